package dev.tether.connection.internal.transport;

import dev.tether.connection.settings.KeepaliveSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import jdk.net.ExtendedSocketOptions;
import org.apache.pekko.io.Inet;
import org.apache.pekko.io.TcpSO;

/** INTERNAL API: socket options of an outgoing connection. */
final class TransportOptions {
  private TransportOptions() {}

  static List<Inet.SocketOption> of(KeepaliveSettings.TcpKeepalive tcp) {
    List<Inet.SocketOption> options = new ArrayList<>();
    if (tcp.enabled()) {
      options.add(TcpSO.keepAlive(true));
      options.add(new KernelKeepalive(tcp));
    }
    return options;
  }

  /** TCP_KEEPIDLE, TCP_KEEPINTERVAL and TCP_KEEPCOUNT through the JDK's extended socket options. */
  static final class KernelKeepalive extends Inet.AbstractSocketOptionV2 {
    private final KeepaliveSettings.TcpKeepalive tcp;

    KernelKeepalive(KeepaliveSettings.TcpKeepalive tcp) {
      this.tcp = tcp;
    }

    @Override
    public void afterConnect(Socket s) {
      try {
        s.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, (int) Math.max(1, tcp.idle().toSeconds()));
        s.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, (int) Math.max(1, tcp.interval().toSeconds()));
        s.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, tcp.count());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot set TCP keepalive options", e);
      }
    }
  }
}
