package dev.surge.gateway.ops;

import java.text.MessageFormat;
import java.util.ResourceBundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes {@link System.Logger} (what the engine logs through: it has no logging dependency) to
 * SLF4J, so that an engine halt appears in the gateway's log like everything else. Registered in
 * {@code META-INF/services/java.lang.System$LoggerFinder}. Thread-safe.
 */
public final class Slf4jLoggerFinder extends System.LoggerFinder {
    @Override
    public System.Logger getLogger(String name, Module module) {
        return new Adapter(LoggerFactory.getLogger(name));
    }

    private record Adapter(Logger log) implements System.Logger {
        @Override
        public String getName() {
            return log.getName();
        }

        @Override
        public boolean isLoggable(Level level) {
            return switch (level) {
                case ALL, TRACE -> log.isTraceEnabled();
                case DEBUG -> log.isDebugEnabled();
                case INFO -> log.isInfoEnabled();
                case WARNING -> log.isWarnEnabled();
                case ERROR -> log.isErrorEnabled();
                case OFF -> false;
            };
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            if (!isLoggable(level)) {
                return;
            }
            switch (level) {
                case ALL, TRACE -> log.trace(msg, thrown);
                case DEBUG -> log.debug(msg, thrown);
                case INFO -> log.info(msg, thrown);
                case WARNING -> log.warn(msg, thrown);
                default -> log.error(msg, thrown);
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            if (isLoggable(level)) {
                log(level, bundle, params == null || params.length == 0 ? format : MessageFormat.format(format, params),
                    (Throwable) null);
            }
        }
    }
}
