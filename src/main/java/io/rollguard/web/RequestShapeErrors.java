package io.rollguard.web;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;

/**
 * A multipart body that cannot be parsed (truncated, no boundary, a broken part header) fails
 * before any controller is chosen, so advice bound to our controllers never sees it and it
 * would surface as a 500. This advice applies to every request; it is the client's body that
 * is wrong, so it is a 400 (413 when it is too large), as a problem, nothing stored.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestShapeErrors {

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ResponseEntity<ProblemDetail> tooLarge(MaxUploadSizeExceededException e) {
        return problem(HttpStatus.PAYLOAD_TOO_LARGE, "Upload too large",
                "The upload is larger than this server accepts (10 MB per file, 20 MB in all)");
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ProblemDetail> malformed(MultipartException e) {
        return problem(HttpStatus.BAD_REQUEST, "Malformed multipart body",
                "The multipart body could not be read (truncated, or a boundary or part header is malformed)");
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String title, String detail) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        body.setTitle(title);
        return ResponseEntity.status(status).body(body);
    }
}
