package dev.surge.gateway;

import java.lang.reflect.Proxy;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM and SIGINT run an orderly stop that ends in exit status 0. A plain shutdown hook would
 * do the same work, but the JVM then exits with 128+signal (143 for SIGTERM), which process
 * supervisors read as a failure. Uses {@code sun.misc.Signal} (module jdk.unsupported, exported
 * for exactly this) through reflection, so the build carries no internal-API warnings; where it
 * is missing, the shutdown hook still drains and only the exit status differs.
 */
final class Signals {
    private Signals() {
    }

    /**
     * Chronicle Queue installs its own chained handler for HUP, INT and TERM the first time anything
     * asks it to (a class initialiser, so once per JVM), replacing whatever was there. It is made to
     * do that now, before ours is installed, and ours calls it first, so its hooks still run.
     */
    private static final String CHRONICLE_SIGNALS = "net.openhft.chronicle.core.Jvm$InitSignalHandlers";

    static void onTerminate(Runnable action) {
        try {
            Class.forName(CHRONICLE_SIGNALS, true, Signals.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            // no Chronicle on the class path: nothing to come first
        }
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            for (String name : new String[] {"TERM", "INT"}) {
                Object[] previous = new Object[1];
                Object handler = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerType},
                    (proxy, method, args) -> {
                        if (method.getName().equals("handle")) {
                            chain(previous[0], handlerType, args[0]);
                            new Thread(action, "surge-stop").start();
                            return null;
                        }
                        return switch (method.getName()) {
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            default -> "surge signal handler";
                        };
                    });
                Object s = signal.getConstructor(String.class).newInstance(name);
                previous[0] = signal.getMethod("handle", signal, handlerType).invoke(null, s, handler);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LoggerFactory.getLogger(Signals.class).warn("no signal handling ({}); SIGTERM will exit 143", e.toString());
        }
    }

    /** Runs the handler ours replaced, unless it is the JVM's native default (which would end the process). */
    private static void chain(Object previous, Class<?> handlerType, Object signal) {
        if (previous == null || previous.getClass().getName().contains("NativeSignalHandler")) {
            return;
        }
        try {
            handlerType.getMethod("handle", signal.getClass()).invoke(previous, signal);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LoggerFactory.getLogger(Signals.class).warn("the previous signal handler failed: {}", e.toString());
        }
    }
}
