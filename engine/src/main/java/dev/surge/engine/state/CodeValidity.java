package dev.surge.engine.state;

/**
 * Until when a granted code may be redeemed: the earliest of its SKU's {@code codeValidUntil} and
 * its upload's validity (docs/lifecycle.md); the campaign's {@code redeemUntil} applies on top.
 * Long.MAX_VALUE when neither is set, as for every code of a journal written before validities.
 * Confined to the writer thread.
 */
final class CodeValidity {
    private CodeValidity() {
    }

    /** The validity of grant item {@code item} (an index into the grant book's items); none for a recharge. */
    static long ofItem(EngineState s, int item) {
        int code = s.grants.itemCode[item];
        if (code == GrantBook.NONE) {
            return Long.MAX_VALUE;
        }
        Sku sku = s.skus[s.grants.itemSku[item]];
        return Math.min(sku.codeValidUntil, sku.pool.validUntil(code));
    }

    /** The earliest validity of grant {@code g}'s codes. */
    static long ofGrant(EngineState s, int g) {
        long until = Long.MAX_VALUE;
        int first = s.grants.firstItem[g];
        for (int i = 0; i < s.grants.itemCount[g]; i++) {
            until = Math.min(until, ofItem(s, first + i));
        }
        return until;
    }
}
