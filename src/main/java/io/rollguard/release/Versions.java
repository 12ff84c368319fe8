package io.rollguard.release;

/** Compares MAJOR.MINOR.PATCH versions (the descriptor schema allows nothing else). */
final class Versions {

    private Versions() {
    }

    static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < 3; i++) {
            int c = Long.compare(Long.parseLong(x[i]), Long.parseLong(y[i]));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
