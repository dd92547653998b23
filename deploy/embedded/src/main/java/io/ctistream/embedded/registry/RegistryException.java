package io.ctistream.embedded.registry;

/** A request the registry refuses, with the HTTP status and an Apicurio-style problem name. */
public final class RegistryException extends RuntimeException {
    private final int status;
    private final String problemName;

    public RegistryException(int status, String problemName, String message) {
        super(message);
        this.status = status;
        this.problemName = problemName;
    }

    public int status() {
        return status;
    }

    public String problemName() {
        return problemName;
    }

    static RegistryException notFound(String problemName, String message) {
        return new RegistryException(404, problemName, message);
    }

    static RegistryException badRequest(String problemName, String message) {
        return new RegistryException(400, problemName, message);
    }
}
