// Verifies webhook deliveries with the Standard Webhooks reference library (npm standardwebhooks),
// an implementation no one on ctistream wrote. Used by WebhookDeliveryIT.
//
//   node verify.mjs deliveries.json
//
// deliveries.json: {"secrets": ["whsec_..."], "deliveries": [{"headers": {...}, "body": "<base64 of the raw body>"}]}
// Every delivery must verify with EVERY secret given (a rotation signs with each). Prints one JSON
// line {"verified": n, "failed": [...]} and exits 1 when any failed.
import { readFileSync } from "node:fs";
import { Webhook } from "standardwebhooks";

const input = JSON.parse(readFileSync(process.argv[2], "utf8"));
const failed = [];
let verified = 0;
for (const d of input.deliveries) {
  const payload = Buffer.from(d.body, "base64").toString("utf8");
  for (const secret of input.secrets) {
    try {
      new Webhook(secret).verify(payload, d.headers);
      verified++;
    } catch (e) {
      failed.push({ id: d.headers["webhook-id"], error: String(e && e.message ? e.message : e) });
    }
  }
}
console.log(JSON.stringify({ verified, failed }));
process.exit(failed.length === 0 && verified > 0 ? 0 : 1);
