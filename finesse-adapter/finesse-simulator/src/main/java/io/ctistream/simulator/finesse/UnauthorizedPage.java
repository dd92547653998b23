package io.ctistream.simulator.finesse;

/** The HTML page a Finesse server answers a bad password with, instead of ApiErrors (§1, §8.6). */
final class UnauthorizedPage {
    static final String HTML = """
            <!doctype html><html lang="en"><head><title>HTTP Status 401 – Unauthorized</title>\
            <style type="text/css">body {font-family:Tahoma,Arial,sans-serif;} h1 {font-size:22px;}</style></head>\
            <body><h1>HTTP Status 401 – Unauthorized</h1><hr class="line" /><p><b>Type</b> Status Report</p>\
            <p><b>Message</b> Unauthorized</p><p><b>Description</b> The request has not been applied to the target resource \
            because it lacks valid authentication credentials for that resource.</p><hr class="line" /><h3>Cisco Finesse</h3></body></html>
            """;

    private UnauthorizedPage() {
    }
}
