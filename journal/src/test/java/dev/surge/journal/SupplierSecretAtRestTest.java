package dev.surge.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.surge.engine.DeliveryOutcome;
import dev.surge.engine.DeliveryStatus;
import dev.surge.engine.EngineDriver;
import dev.surge.engine.ResultCode;
import dev.surge.engine.SkuKind;
import dev.surge.engine.command.CampaignSpec;
import dev.surge.engine.event.EventType;
import dev.surge.engine.event.EventView;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Supplier signing secrets are sealed like card codes: never in plaintext under the data
 * directory, back intact with the key, and without it everything but the secret still reads.
 */
class SupplierSecretAtRestTest {
    private static final String SECRET = "QWXVSECRETMARK-0042";

    @TempDir
    Path data;

    private static EngineDriver history() {
        EngineDriver d = new EngineDriver(3, JournalHistory.CIPHER.stateConfig());
        CampaignSpec spec = EngineDriver.campaign("c", 0);
        CampaignSpec.SkuSpec vip = EngineDriver.sku(spec, "vip", SkuKind.DIRECT_RECHARGE);
        vip.stock = 10;
        vip.suppliers.add("primary");
        vip.suppliers.add("backup");
        assertEquals(ResultCode.OK, d.upsert(spec).result);
        assertEquals(ResultCode.OK, d.configureSupplier("primary", "http://127.0.0.1:9/p", 1500, 8, SECRET).result);
        String g = d.claim("u", "k", "c", "vip", "", null, "13800000000").grantId();
        assertEquals(ResultCode.OK, d.step(g, 0, DeliveryStatus.PENDING, "primary", 1, DeliveryOutcome.UNKNOWN).result);
        return d;
    }

    @Test
    void secretsAreSealedInTheJournalAndSnapshots() throws Exception {
        EngineDriver live = history();
        byte[] mark = JournalHistory.ascii(SECRET);
        assertTrue(live.events.stream().anyMatch(e -> JournalHistory.indexOf(e, mark, 0) >= 0), "control: the event has it");
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        live.machine.writeSnapshot(new DataOutputStream(raw));
        assertTrue(JournalHistory.indexOf(raw.toByteArray(), mark, 0) >= 0, "control: the raw snapshot has it");

        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.PROCESS, JournalHistory.CIPHER)) {
            JournalHistory.append(journal, live.events, 0, live.events.size(), 2);
        }
        new SnapshotStore(data, JournalHistory.CIPHER).write(live.machine, -1);
        for (Path f : JournalHistory.files(data)) {
            assertEquals(-1, JournalHistory.indexOf(Files.readAllBytes(f), mark, 0), "plaintext secret in " + f);
        }
        Recovery.Result r = new Recovery(data, JournalHistory.CIPHER).run();
        assertEquals(live.machine.digest(), r.machine().digest());
        assertEquals(SECRET, r.machine().suppliers().get(0).secret());
        assertEquals(DeliveryOutcome.UNKNOWN, r.machine().deliveryOutcome(r.machine().pendingPage(0, 10).items().get(0)
            .deliveryId().substring(0, 18), 0));
    }

    @Test
    void withoutTheKeyASupplierReadsWithAnEmptySecret() {
        EngineDriver live = history();
        try (ChronicleJournal journal = new ChronicleJournal(data, Durability.PROCESS, JournalHistory.CIPHER)) {
            JournalHistory.append(journal, live.events, 0, live.events.size(), 1);
        }
        List<String> seen = new ArrayList<>();
        try (JournalReader reader = JournalReader.openReadOnly(data, null)) {
            JournalReader.Outcome o = reader.read((index, e) -> {
                if (e.type == EventType.SUPPLIER_CONFIGURED) {
                    seen.add(e.supplier() + " " + e.url() + " " + e.timeoutMs + " " + e.maxConcurrency + " ["
                        + e.secret() + "]");
                }
                if (e.type == EventType.DELIVERY_RECORDED) {
                    seen.add("outcome " + DeliveryOutcome.of(e.outcome));
                }
                return true;
            });
            assertEquals(JournalReader.Outcome.END, o);
        }
        assertEquals(List.of("primary http://127.0.0.1:9/p 1500 8 []", "outcome UNKNOWN"), seen);
        try (JournalReader reader = JournalReader.openReadOnly(data, JournalHistory.CIPHER)) {
            String[] secret = new String[1];
            reader.read((index, e) -> {
                if (e.type == EventType.SUPPLIER_CONFIGURED) {
                    secret[0] = e.secret();
                }
                return true;
            });
            assertEquals(SECRET, secret[0], "with the key the secret opens");
        }
        EventView v = new EventView();
        assertTrue(v.wrap(new org.agrona.concurrent.UnsafeBuffer(live.events.get(1)), 0, live.events.get(1).length));
        assertEquals(EventType.SUPPLIER_CONFIGURED, v.type);
    }
}
