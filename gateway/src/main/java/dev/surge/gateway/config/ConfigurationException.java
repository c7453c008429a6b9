package dev.surge.gateway.config;

/** Bad or missing configuration: the message is for the operator, and the process exits non-zero. */
public final class ConfigurationException extends RuntimeException {
    public ConfigurationException(String message) {
        super(message);
    }
}
