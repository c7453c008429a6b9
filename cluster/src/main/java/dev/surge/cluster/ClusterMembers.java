package dev.surge.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * The members of one cluster, given as {@code host:port,host:port,...} (member id = position in
 * the list). Each member uses five consecutive ports from its own: ingress (clients' commands),
 * consensus (votes, appends), log (the replicated log), catch-up (a returning follower's replay),
 * archive (the archive's control endpoint, for replication between nodes).
 *
 * <p>Immutable.
 */
public final class ClusterMembers {
    public static final int INGRESS = 0;
    public static final int CONSENSUS = 1;
    public static final int LOG = 2;
    public static final int CATCHUP = 3;
    public static final int ARCHIVE = 4;
    /** Ports each member takes, from its own on. */
    public static final int PORTS = 5;

    private final List<String> hosts;
    private final List<Integer> ports;

    private ClusterMembers(List<String> hosts, List<Integer> ports) {
        this.hosts = List.copyOf(hosts);
        this.ports = List.copyOf(ports);
    }

    /** Parses {@code host:port,...}; a clear message for anything else. */
    public static ClusterMembers parse(String list) {
        List<String> hosts = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        for (String member : list.split(",")) {
            String m = member.strip();
            int colon = m.lastIndexOf(':');
            if (colon <= 0 || colon == m.length() - 1) {
                throw new IllegalArgumentException("a member is host:port, not '" + m + "'");
            }
            int port;
            try {
                port = Integer.parseInt(m.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a member's port is a number, not '" + m + "'", e);
            }
            if (port < 1 || port + PORTS - 1 > 65_535) {
                throw new IllegalArgumentException("a member's port must leave room for its " + PORTS
                    + " ports below 65536: " + m);
            }
            hosts.add(m.substring(0, colon));
            ports.add(port);
        }
        return new ClusterMembers(hosts, ports);
    }

    public int size() {
        return hosts.size();
    }

    public String host(int id) {
        return hosts.get(id);
    }

    /** {@code host:port} of member {@code id}'s endpoint {@code which} ({@link #INGRESS} ... {@link #ARCHIVE}). */
    public String endpoint(int id, int which) {
        return hosts.get(id) + ":" + (ports.get(id) + which);
    }

    /** The consensus module's member list: {@code id,ingress,consensus,log,catchup,archive|...}. */
    public String clusterMembers() {
        StringBuilder b = new StringBuilder();
        for (int id = 0; id < size(); id++) {
            if (id > 0) {
                b.append('|');
            }
            b.append(id);
            for (int which = INGRESS; which <= ARCHIVE; which++) {
                b.append(',').append(endpoint(id, which));
            }
        }
        return b.toString();
    }

    /** What a client connects to: {@code 0=host:port,1=host:port,...}, the members' ingress endpoints. */
    public String ingressEndpoints() {
        StringBuilder b = new StringBuilder();
        for (int id = 0; id < size(); id++) {
            if (id > 0) {
                b.append(',');
            }
            b.append(id).append('=').append(endpoint(id, INGRESS));
        }
        return b.toString();
    }
}
