package dev.surge.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ClusterMembersTest {
    @Test
    void eachMemberTakesFivePortsFromItsOwn() {
        ClusterMembers m = ClusterMembers.parse("10.0.0.1:9010, 10.0.0.2:9010");
        assertEquals(2, m.size());
        assertEquals("0,10.0.0.1:9010,10.0.0.1:9011,10.0.0.1:9012,10.0.0.1:9013,10.0.0.1:9014|"
            + "1,10.0.0.2:9010,10.0.0.2:9011,10.0.0.2:9012,10.0.0.2:9013,10.0.0.2:9014", m.clusterMembers());
        assertEquals("0=10.0.0.1:9010,1=10.0.0.2:9010", m.ingressEndpoints());
    }

    @Test
    void malformedMembersAreNamed() {
        assertEquals("a member is host:port, not 'localhost'",
            assertThrows(IllegalArgumentException.class, () -> ClusterMembers.parse("localhost")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClusterMembers.parse("h:x"));
        assertThrows(IllegalArgumentException.class, () -> ClusterMembers.parse("h:65533"));
    }
}
