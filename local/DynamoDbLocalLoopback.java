/*
 * DynamoDB Local listening on 127.0.0.1 only. Its own main class (ServerRunner) has no option for
 * the address: `-port` makes a Jetty server on every interface, so anyone on the network could
 * read and change the local table. This builds the same server from the same arguments, points its
 * one connector at the loopback address before it starts, and starts it.
 *
 * It reads a private field (DynamoDBProxyServer.server, DynamoDB Local 1.x): should a new version
 * rename it, this stops with NoSuchFieldException and the runtime reports it; it never falls back
 * to every interface by itself. Compiled and run by local/dynamodb-local.ts.
 */
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

public final class DynamoDbLocalLoopback {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server jetty = (Server) field.get(proxy);
    for (Connector connector : jetty.getConnectors()) {
      ((ServerConnector) connector).setHost("127.0.0.1");
    }
    proxy.start();
  }
}
