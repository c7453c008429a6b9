package dev.surge.engine.state;

import java.util.ArrayList;
import java.util.List;

/**
 * The suppliers configured through the admin API, in the order they were first configured. Few
 * and admin-only, so plain objects. Confined to the writer thread.
 */
final class SupplierBook {
    final List<SupplierConfig> suppliers = new ArrayList<>();

    SupplierConfig find(String id) {
        for (SupplierConfig s : suppliers) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        return null;
    }

    void put(SupplierConfig config) {
        for (int i = 0; i < suppliers.size(); i++) {
            if (suppliers.get(i).id().equals(config.id())) {
                suppliers.set(i, config);
                return;
            }
        }
        suppliers.add(config);
    }
}
