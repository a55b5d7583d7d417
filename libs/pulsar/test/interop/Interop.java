// The Java side of @retail/pulsar's interop tests, on the official client (pulsar-client-original).
// Compiled by test setup (see java-client.ts). Every line it prints on stdout is one JSON object.
//
//   produce <serviceUrl> <topic> <count> <none|lz4|zstd> <batch:true|false> <keys>
//       sends key "k<i % keys>", payload "<i>:java", property index=<i>; prints {"sent":..} per message
//   consume <serviceUrl> <topic> <subscription> <count> <timeoutSeconds>
//       prints {"ready":true} once subscribed (earliest), then one line per message received
//   produce-keyed <serviceUrl> <topic> <key>...
//       sends one unbatched message per key with the default router; prints the key, its
//       String.hashCode and the message id (whose partition the Java router chose)
//   route <partitions> <key>...
//       no broker: prints String.hashCode, JavaStringHash.makeHash and the default router's
//       partition (MathUtils.signSafeMod) per key; the source of the unit tests' routing fixtures.
//       Also the Key_Shared sticky hash the 4.0.7 broker gives the key as a sticky key
//       (StickyKeyConsumerSelectorUtils: Murmur3_32Hash of the UTF-8 bytes mod 65536, 0 taken as 1)

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.CompressionType;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.SubscriptionType;
import org.apache.pulsar.client.impl.JavaStringHash;
import org.apache.pulsar.client.util.MathUtils;
import org.apache.pulsar.common.util.Murmur3_32Hash;

public final class Interop {
    public static void main(String[] args) throws Exception {
        String mode = args[0];
        if (mode.equals("route")) {
            route(Integer.parseInt(args[1]), Arrays.copyOfRange(args, 2, args.length));
            return;
        }
        try (PulsarClient client = PulsarClient.builder().serviceUrl(args[1]).build()) {
            if (mode.equals("produce")) {
                produce(client, args[2], Integer.parseInt(args[3]), args[4], Boolean.parseBoolean(args[5]), Integer.parseInt(args[6]));
            } else if (mode.equals("produce-keyed")) {
                produceKeyed(client, args[2], Arrays.copyOfRange(args, 3, args.length));
            } else if (mode.equals("consume")) {
                consume(client, args[2], args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]));
            } else {
                throw new IllegalArgumentException("mode must be produce, produce-keyed, consume or route, got " + mode);
            }
        }
        System.out.flush();
    }

    static CompressionType compression(String name) {
        switch (name) {
            case "none": return CompressionType.NONE;
            case "lz4": return CompressionType.LZ4;
            case "zstd": return CompressionType.ZSTD;
            default: throw new IllegalArgumentException("compression must be none, lz4 or zstd, got " + name);
        }
    }

    static void produce(PulsarClient client, String topic, int count, String compression, boolean batch, int keys) throws Exception {
        try (Producer<byte[]> producer = client.newProducer().topic(topic).compressionType(compression(compression))
                .enableBatching(batch).batchingMaxPublishDelay(5, TimeUnit.MILLISECONDS).blockIfQueueFull(true).create()) {
            List<CompletableFuture<MessageId>> sends = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                sends.add(producer.newMessage().key("k" + (i % keys)).value((i + ":java").getBytes(StandardCharsets.UTF_8))
                        .property("index", Integer.toString(i)).sendAsync());
            }
            producer.flush();
            for (int i = 0; i < count; i++) {
                MessageId id = sends.get(i).get(30, TimeUnit.SECONDS);
                System.out.println("{\"sent\":" + i + ",\"key\":" + quote("k" + (i % keys)) + "," + idFields(id) + "}");
            }
        }
    }

    static void produceKeyed(PulsarClient client, String topic, String[] keys) throws Exception {
        try (Producer<byte[]> producer = client.newProducer().topic(topic).enableBatching(false).create()) {
            List<CompletableFuture<MessageId>> sends = new ArrayList<>();
            for (String key : keys) {
                sends.add(producer.newMessage().key(key).value(key.getBytes(StandardCharsets.UTF_8)).sendAsync());
            }
            for (int i = 0; i < keys.length; i++) {
                MessageId id = sends.get(i).get(30, TimeUnit.SECONDS);
                System.out.println("{\"key\":" + quote(keys[i]) + ",\"hashCode\":" + keys[i].hashCode() + "," + idFields(id) + "}");
            }
        }
    }

    static void route(int partitions, String[] keys) {
        for (String key : keys) {
            int hash = JavaStringHash.getInstance().makeHash(key);
            System.out.println("{\"key\":" + quote(key) + ",\"hashCode\":" + key.hashCode() + ",\"makeHash\":" + hash
                    + ",\"partition\":" + MathUtils.signSafeMod(hash, partitions) + ",\"stickyHash\":" + stickyHash(key) + "}");
        }
    }

    /** As the broker's StickyKeyConsumerSelectorUtils.makeStickyKeyHash over the full range 0..65535 (a package-private class). */
    static int stickyHash(String stickyKey) {
        int hash = Murmur3_32Hash.getInstance().makeHash(stickyKey.getBytes(StandardCharsets.UTF_8)) % 65536;
        return hash == 0 ? 1 : hash;
    }

    static void consume(PulsarClient client, String topic, String subscription, int count, int timeoutSeconds) throws Exception {
        try (Consumer<byte[]> consumer = client.newConsumer().topic(topic).subscriptionName(subscription)
                .subscriptionType(SubscriptionType.Exclusive).subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe()) {
            System.out.println("{\"ready\":true}");
            System.out.flush();
            for (int received = 0; received < count; received++) {
                Message<byte[]> m = consumer.receive(timeoutSeconds, TimeUnit.SECONDS);
                if (m == null) throw new IllegalStateException("received " + received + " of " + count + " before the time-out");
                StringBuilder line = new StringBuilder("{");
                line.append("\"key\":").append(m.hasKey() ? quote(m.getKey()) : "null");
                line.append(",\"text\":").append(quote(new String(m.getData(), StandardCharsets.UTF_8)));
                line.append(",\"base64\":").append(quote(Base64.getEncoder().encodeToString(m.getData())));
                line.append(",\"properties\":{");
                boolean first = true;
                for (Map.Entry<String, String> p : m.getProperties().entrySet()) {
                    if (!first) line.append(',');
                    first = false;
                    line.append(quote(p.getKey())).append(':').append(quote(p.getValue()));
                }
                line.append("},\"redeliveryCount\":").append(m.getRedeliveryCount());
                line.append(",\"topic\":").append(quote(m.getTopicName()));
                line.append(',').append(idFields(m.getMessageId())).append('}');
                System.out.println(line);
                consumer.acknowledge(m);
            }
        }
    }

    static String idFields(MessageId id) {
        MessageIdAdv adv = (MessageIdAdv) id;
        return "\"messageId\":" + quote(adv.getLedgerId() + ":" + adv.getEntryId() + ":" + adv.getPartitionIndex() + ":" + adv.getBatchIndex())
                + ",\"partition\":" + adv.getPartitionIndex();
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') out.append('\\').append(c);
            else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
            else out.append(c);
        }
        return out.append('"').toString();
    }
}
