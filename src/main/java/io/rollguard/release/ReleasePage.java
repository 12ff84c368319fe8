package io.rollguard.release;

import java.util.List;

/** One page of a release list: the rows (without descriptor and artifact) and how many match in all. */
public record ReleasePage(List<Release> items, long total, int page, int size) {

    public int pages() {
        return (int) Math.max(1, (total + size - 1) / size);
    }

    public boolean hasPrevious() {
        return page > 0;
    }

    public boolean hasNext() {
        return page + 1 < pages();
    }
}
