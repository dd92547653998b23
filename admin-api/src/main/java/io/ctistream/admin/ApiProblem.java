package io.ctistream.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * An answer other than success, as RFC 9457 problem details ({@code application/problem+json});
 * a 400 lists each field that is wrong. Thrown by the checks, written by {@link AdminRoutes}.
 */
final class ApiProblem extends RuntimeException {
    /** One thing wrong with a request: the field (of the body, or a parameter or header) and what is wrong with it. */
    record FieldError(String field, String message) {
    }

    private final int status;
    private final String title;
    private final List<FieldError> errors;

    ApiProblem(int status, String title, String detail, List<FieldError> errors) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    static ApiProblem invalid(List<FieldError> errors) {
        return new ApiProblem(400, "Invalid request", errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " fields are invalid", errors);
    }

    static ApiProblem invalid(String field, String message) {
        return invalid(List.of(new FieldError(field, message)));
    }

    static ApiProblem unauthorized(String detail) {
        return new ApiProblem(401, "Unauthorized", detail, List.of());
    }

    static ApiProblem forbidden(String detail) {
        return new ApiProblem(403, "Forbidden", detail, List.of());
    }

    static ApiProblem notFound(String detail) {
        return new ApiProblem(404, "Not Found", detail, List.of());
    }

    static ApiProblem conflict(String detail) {
        return new ApiProblem(409, "Conflict", detail, List.of());
    }

    static ApiProblem preconditionFailed(String detail) {
        return new ApiProblem(412, "Precondition Failed", detail, List.of());
    }

    static ApiProblem unavailable(String detail) {
        return new ApiProblem(503, "Service Unavailable", detail, List.of());
    }

    int status() {
        return status;
    }

    List<FieldError> errors() {
        return errors;
    }

    JsonObject json() {
        JsonObject json = new JsonObject().put("type", "about:blank").put("title", title).put("status", status);
        if (getMessage() != null) {
            json.put("detail", getMessage());
        }
        if (!errors.isEmpty()) {
            json.put("errors", new JsonArray(errors.stream().map(e -> new JsonObject().put("field", e.field()).put("message", e.message())).toList()));
        }
        return json;
    }
}
