package io.ctistream.connector.finesse.codec;

/**
 * One Finesse API error, synchronous ({@code ApiErrors/ApiError/ErrorType}, UpperCamel) or
 * asynchronous ({@code apiErrors/apiError/errorType}, lowerCamel): e.g. type "Invalid State",
 * message "CF_INVALID_OBJECT_STATE", data "22". Any field may be null.
 */
public record ApiError(String type, String message, String data, String peripheralErrorCode) {
}
