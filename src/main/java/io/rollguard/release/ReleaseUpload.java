package io.rollguard.release;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;

/**
 * What a submission uploads, read in one place for the API and the portal form: the descriptor's
 * YAML and the files it names, keyed by the names the descriptor uses for them. The size limits
 * are the servlet's multipart limits, the same for both; a body beyond them or one that cannot be
 * parsed never reaches this class (see {@code web.RequestShapeErrors}).
 *
 * @param descriptor null when the body carries none
 */
record ReleaseUpload(String descriptor, Map<String, byte[]> files) {

    /**
     * The API's body: a part {@code descriptor} (text, or a file) and one file part per file,
     * named as the descriptor names it. The text wins over a file of the same part name.
     */
    static ReleaseUpload ofApi(MultipartHttpServletRequest request) throws IOException {
        String descriptor = request.getParameter("descriptor");
        MultipartFile descriptorFile = request.getFile("descriptor");
        if (descriptor == null && descriptorFile != null) {
            descriptor = text(descriptorFile);
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (Map.Entry<String, List<MultipartFile>> part : request.getMultiFileMap().entrySet()) {
            if (!part.getKey().equals("descriptor")) {
                files.put(part.getKey(), part.getValue().get(0).getBytes());
            }
        }
        return new ReleaseUpload(descriptor, files);
    }

    /**
     * The portal form: the text area, unless a descriptor file is chosen; the files of the
     * multiple-file input by their own names. A browser sends an input with no file chosen as an
     * empty part, so empty parts are no files.
     */
    static ReleaseUpload ofForm(String text, MultipartFile descriptorFile, List<MultipartFile> chosen) throws IOException {
        String descriptor = text == null ? "" : text;
        if (descriptorFile != null && !descriptorFile.isEmpty()) {
            descriptor = text(descriptorFile);
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        if (chosen != null) {
            for (MultipartFile file : chosen) {
                if (!file.isEmpty() && file.getOriginalFilename() != null) {
                    files.put(file.getOriginalFilename(), file.getBytes());
                }
            }
        }
        return new ReleaseUpload(descriptor, files);
    }

    private static String text(MultipartFile file) throws IOException {
        return new String(file.getBytes(), StandardCharsets.UTF_8);
    }
}
