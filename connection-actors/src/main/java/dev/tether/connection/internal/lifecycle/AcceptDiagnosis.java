package dev.tether.connection.internal.lifecycle;

import dev.tether.connection.internal.wire.ClientHellos;
import dev.tether.connection.internal.wire.RecordHeaders;
import dev.tether.connection.OutcomeKind;
import java.util.List;
import java.util.Optional;

/**
 * INTERNAL API: what an accepted client revealed (the versions its ClientHello offered, the protocol
 * the handshake settled on), kept to explain its failure in the outcome's detail: the versions it
 * offered that we refuse, or the record that was not valid after the handshake (the seed's "wrong
 * version number"). One per inbound incarnation; pure, apart from remembering.
 */
final class AcceptDiagnosis {
  private List<String> offered = List.of();
  private String negotiated;

  void offered(List<String> versions) {
    offered = List.copyOf(versions);
  }

  void negotiated(String protocol) {
    negotiated = protocol;
  }

  /**
   * @param accepted the protocols the listener's profile accepts
   * @param lastRecord the last complete record header the client sent
   */
  Ending explain(Ending ending, Optional<Throwable> streamFailure, List<String> accepted,
      Optional<RecordHeaders.RecordHeader> lastRecord) {
    if (streamFailure.isEmpty()) return ending;
    Optional<String> why = Optional.empty();
    if (ending.kind() == OutcomeKind.HANDSHAKE_FAILED && !offered.isEmpty()) {
      why = ClientHellos.describeRefusal(offered, accepted);
    } else if (negotiated != null && lastRecord.isPresent()) {
      why = Optional.of(RecordHeaders.describeUnexpected(lastRecord.get(), negotiated, streamFailure.get()));
    }
    return why.map(w -> new Ending(ending.kind(), ending.initiator(), ending.detail() + "; " + w)).orElse(ending);
  }
}
