package io.rollguard.release;

import java.math.BigInteger;

/** Compares MAJOR.MINOR.PATCH versions (the descriptor schema allows nothing else). */
final class Versions {

    private Versions() {
    }

    /** Numbers of any length: the schema bounds the digits, not their count, so a long would overflow. */
    static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < 3; i++) {
            int c = new BigInteger(x[i]).compareTo(new BigInteger(y[i]));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
