package dev.agentbroker.testkit.openbao;

/** An OpenBao error answer: {@code {"errors":[message]}} with {@code status}. */
final class BaoError extends Exception {
  private static final long serialVersionUID = 1L;
  final int status;

  BaoError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  static BaoError permissionDenied() {
    return new BaoError(403, "permission denied");
  }

  static BaoError badRequest(String message) {
    return new BaoError(400, message);
  }
}
