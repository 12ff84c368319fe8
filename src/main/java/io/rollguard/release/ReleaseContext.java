package io.rollguard.release;

import io.rollguard.app.App;
import io.rollguard.release.descriptor.ReleaseDescriptor;

/** Everything a delegate needs about the release its process instance carries. */
public record ReleaseContext(Release release, App app, ReleaseDescriptor descriptor) {
}
