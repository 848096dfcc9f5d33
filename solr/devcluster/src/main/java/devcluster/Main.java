package devcluster;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * A local SolrCloud for development and CI: an embedded ZooKeeper and {@code --nodes} Jetty Solr nodes
 * on 127.0.0.1 (free ports), our configset uploaded and the collection created with {@code --shards}
 * shards of {@code --replicas} replicas each.
 *
 * <p>When the collection is active it writes the collection URL to {@code <dir>/url} and the URL of a
 * small control server to {@code <dir>/control}, and prints the collection URL as its last line. The
 * control server (127.0.0.1 only) lets tests take a node down and bring it back, as a machine failing
 * would: {@code GET /nodes}, {@code POST /nodes/<i>/stop}, {@code POST /nodes/<i>/start}, {@code POST
 * /shutdown}. The cluster's data lives under {@code <dir>/cluster} and is wiped at every start.
 *
 * <p>It builds the cluster with the public constructor, not {@code MiniSolrCloudCluster.Builder}: the
 * builder asks the randomized test runner for a random source and fails outside it.
 */
public final class Main {

  private static final int WAIT_SECONDS = 120;
  private static final AtomicBoolean STOPPING = new AtomicBoolean();

  private Main() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = options(args);
    Path dir = Path.of(opts.getOrDefault("dir", "var/solr")).toAbsolutePath();
    Path configset = Path.of(opts.getOrDefault("configset", "solr/configset")).toAbsolutePath();
    String collection = opts.getOrDefault("collection", "passages");
    int nodes = Integer.parseInt(opts.getOrDefault("nodes", "3"));
    int shards = Integer.parseInt(opts.getOrDefault("shards", "2"));
    int replicas = Integer.parseInt(opts.getOrDefault("replicas", "2"));

    // As Solr's own JMH benchmark does to run a MiniSolrCloudCluster outside the test runner: no
    // PKI key files (nodes make their own), and no waiting for merges when a core closes.
    System.setProperty("pkiHandlerPrivateKeyPath", "");
    System.setProperty("pkiHandlerPublicKeyPath", "");
    System.setProperty("doNotWaitForMergesOnIWClose", "true");
    System.setProperty("solr.alwaysOnTraceId", "false");
    // Tests' default allow-list: the nodes' own addresses, for shard requests between them.
    System.setProperty("solr.disable.allowUrls", "true");

    Path data = dir.resolve("cluster");
    deleteTree(data);
    Files.createDirectories(data);
    Files.deleteIfExists(dir.resolve("url"));
    Files.deleteIfExists(dir.resolve("control"));

    JettyConfig jetty = JettyConfig.builder().setPort(0).setContext("/solr").stopAtShutdown(true).build();
    MiniSolrCloudCluster cluster =
        new MiniSolrCloudCluster(nodes, data, MiniSolrCloudCluster.DEFAULT_CLOUD_SOLR_XML, jetty);
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(cluster, done), "devcluster-shutdown"));

    cluster.uploadConfigSet(configset.resolve("conf"), collection);
    CollectionAdminRequest.createCollection(collection, collection, shards, replicas)
        .process(cluster.getSolrClient());
    cluster.waitForActiveCollection(collection, WAIT_SECONDS, TimeUnit.SECONDS, shards, shards * replicas);

    // The cluster drops a stopped node from getJettySolrRunners(): keep our own numbering.
    List<JettySolrRunner> all = List.copyOf(cluster.getJettySolrRunners());
    HttpServer control = controlServer(cluster, all, done);
    String url = cluster.getJettySolrRunner(0).getBaseUrl() + "/" + collection;
    writeAtomically(dir.resolve("control"), "http://127.0.0.1:" + control.getAddress().getPort() + "\n");
    writeAtomically(dir.resolve("url"), url + "\n");
    System.out.println("zookeeper " + cluster.getZkServer().getZkAddress());
    for (JettySolrRunner node : cluster.getJettySolrRunners()) {
      System.out.println("node " + node.getBaseUrl());
    }
    System.out.println(url);
    System.out.flush();
    done.await();
    control.stop(0);
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "usage: Main [--dir var/solr] [--configset solr/configset] [--collection passages]"
                + " [--nodes 3] [--shards 2] [--replicas 2]");
      }
      opts.put(args[i].substring(2), args[++i]);
    }
    return opts;
  }

  private static void shutdown(MiniSolrCloudCluster cluster, CountDownLatch done) {
    if (!STOPPING.compareAndSet(false, true)) {
      try {
        done.await(WAIT_SECONDS, TimeUnit.SECONDS); // the first caller is shutting down: let it finish
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    try {
      cluster.shutdown();
    } catch (Exception e) {
      e.printStackTrace();
    } finally {
      done.countDown();
    }
  }

  private static HttpServer controlServer(
      MiniSolrCloudCluster cluster, List<JettySolrRunner> jetties, CountDownLatch done)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try {
            handle(cluster, jetties, done, exchange);
          } catch (Exception e) {
            reply(exchange, 500, "{\"error\": " + quote(String.valueOf(e)) + "}");
          }
        });
    server.start();
    return server;
  }

  private static synchronized void handle(
      MiniSolrCloudCluster cluster,
      List<JettySolrRunner> jetties,
      CountDownLatch done,
      HttpExchange exchange)
      throws Exception {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    String[] parts = path.replaceAll("^/+|/+$", "").split("/");
    if (path.equals("/nodes") && method.equals("GET")) {
      reply(exchange, 200, nodesJson(jetties));
    } else if (parts.length == 3 && parts[0].equals("nodes") && method.equals("POST")) {
      int index = Integer.parseInt(parts[1]);
      if (index < 0 || index >= jetties.size()) {
        reply(exchange, 404, "{\"error\": \"no such node\"}");
        return;
      }
      JettySolrRunner node = jetties.get(index);
      if (parts[2].equals("stop")) {
        if (node.isRunning()) {
          cluster.stopJettySolrRunner(node);
          cluster.waitForJettyToStop(node);
        }
      } else if (parts[2].equals("start")) {
        if (!node.isRunning()) {
          // The same port, so the node's replicas come back under their old node name.
          cluster.startJettySolrRunner(node, true);
          cluster.waitForNode(node, WAIT_SECONDS);
        }
      } else {
        reply(exchange, 404, "{\"error\": \"unknown action\"}");
        return;
      }
      reply(exchange, 200, nodesJson(jetties));
    } else if (path.equals("/shutdown") && method.equals("POST")) {
      reply(exchange, 200, "{\"status\": \"stopping\"}");
      new Thread(() -> shutdown(cluster, done), "devcluster-stop").start();
    } else {
      reply(exchange, 404, "{\"error\": \"GET /nodes, POST /nodes/<i>/stop|start, POST /shutdown\"}");
    }
  }

  private static String nodesJson(List<JettySolrRunner> jetties) {
    List<String> items = new ArrayList<>();
    for (int i = 0; i < jetties.size(); i++) {
      JettySolrRunner node = jetties.get(i);
      int port = node.getLocalPort(true);
      items.add(
          "{\"index\": " + i + ", \"url\": " + quote("http://127.0.0.1:" + port + "/solr")
              + ", \"running\": " + node.isRunning() + "}");
    }
    return "[" + String.join(", ", items) + "]";
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String quote(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  private static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
