package dev.surge.delivery;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Resolves a supplier's host the way Netty's default resolver does (the JDK's, blocking the
 * event loop for the lookup), then refuses an answer that is link-local or cloud metadata
 * ({@link SupplierUrls#linkLocalOrMetadata}): a name that passed {@link SupplierUrls#problem} when
 * it was configured may resolve to 169.254.169.254 later (DNS rebinding). The connection then
 * fails with {@link Forbidden} before anything is sent. Used unless
 * {@code --allow-link-local-suppliers}.
 *
 * <p>Threading: one resolver per event loop (Netty's {@link AddressResolverGroup}); stateless.
 */
final class GuardedResolver extends InetNameResolver {
    /** The group a supplier's {@code Bootstrap} resolves through. */
    static final AddressResolverGroup<InetSocketAddress> GROUP = new AddressResolverGroup<>() {
        @Override
        protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
            return new GuardedResolver(executor).asAddressResolver();
        }
    };

    /** A host resolved to a link-local or metadata address; nothing was sent. */
    static final class Forbidden extends UnknownHostException {
        private static final long serialVersionUID = 1L;

        Forbidden(String host, InetAddress address) {
            super("not connecting to " + host + ": it resolves to " + address.getHostAddress()
                + ", a link-local or cloud metadata address (" + SupplierUrls.ALLOW_FLAG + " is off)");
        }
    }

    private GuardedResolver(EventExecutor executor) {
        super(executor);
    }

    @Override
    protected void doResolve(String host, Promise<InetAddress> promise) {
        try {
            InetAddress address = InetAddress.getByName(host);
            if (SupplierUrls.linkLocalOrMetadata(address)) {
                promise.setFailure(new Forbidden(host, address));
            } else {
                promise.setSuccess(address);
            }
        } catch (UnknownHostException e) {
            promise.setFailure(e);
        }
    }

    @Override
    protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            for (InetAddress address : all) {
                if (SupplierUrls.linkLocalOrMetadata(address)) {
                    promise.setFailure(new Forbidden(host, address));
                    return;
                }
            }
            promise.setSuccess(List.of(all));
        } catch (UnknownHostException e) {
            promise.setFailure(e);
        }
    }
}
