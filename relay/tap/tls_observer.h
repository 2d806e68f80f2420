// relay::TlsObserver: the ciphertext side of one --tls-cert connection. The
// tap sees plaintext (lws decrypts before RAW_RX); this watches the same
// connection's OpenSSL SSL object for what the network sees instead, and
// publishes each TLS record as a `tls_record` event (docs/mirror-protocol.md):
//
//  - a BIO callback on the SSL's socket BIO sees every byte read from and
//    written to the socket; wire::TlsRecordReader splits each direction into
//    records (type, legacy version, length, the first 16 body bytes);
//  - a message callback gives, for TLS 1.3, each encrypted record's inner
//    content type (SSL3_RT_INNER_CONTENT_TYPE) once OpenSSL has decrypted or
//    encrypted it, so a record can be told apart: application data, or a
//    handshake message / alert under the same outer type 23;
//  - the application-data records, in order, carry the plaintext stream that
//    the http/frame units tile: each record's share is its length minus the
//    cipher's overhead (tag, TLS 1.3 inner type; OpenSSL adds no padding), so
//    a record names the plaintext bytes [plain_offset, +plain_len) it carried.
//
// Never key material: no keys, secrets or whole bodies leave this file; only
// lengths, types and a 16-byte prefix of what crossed the network anyway.
// Bounded: each direction keeps at most kMaxWaiting records waiting for their
// inner type, and a connection publishes at most kBurst record events, then
// kPerSecond a second; the records beyond are folded into one summary event
// (`count` > 1) per direction, published at the next tick, counted in
// wirelab_tls_records_summarised_total.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include <openssl/ssl.h>

#include "relay/metrics.h"
#include "wire/events.h"
#include "wire/fifo.h"
#include "wire/tls_record.h"

namespace relay {

class TlsObserver {
 public:
  using Publish = std::function<void(wire::EventBody)>;
  using Clock = std::function<std::int64_t()>;
  static constexpr std::size_t kMaxWaiting = 64;
  static constexpr std::size_t kMaxHeld = 8;    // before start(): a ClientHello, a few more at most
  static constexpr double kBurst = 64, kPerSecond = 32;

  // Watches `ssl` (lws owns it); attach before the first byte is read. With
  // conn 0 (the connection has no id yet) records are held until start().
  TlsObserver(std::uint64_t conn, SSL* ssl, Metrics& metrics, Publish publish, Clock clock);
  ~TlsObserver();   // detaches, and publishes what is still waiting or summarised
  TlsObserver(const TlsObserver&) = delete;
  TlsObserver& operator=(const TlsObserver&) = delete;

  const SSL* ssl() const { return ssl_; }
  // The connection got its id (after its `open` event): publishes what was held.
  void start(std::uint64_t conn);
  // Publishes the summaries folded so far (EdgeTap::tick, every 250 ms), so a
  // burst shows up soon after it ended, not at the next record.
  void flush();
  // Stops watching (the SSL is about to go): publishes what is pending.
  void detach();
  // lws freed the SSL already (plain http on the TLS port): forget it untouched.
  void abandon() { ssl_ = nullptr; bio_ = nullptr; }

 private:
  struct Direction {
    wire::TlsRecordReader reader;
    wire::Fifo<wire::TlsRecordHead> waiting;     // complete, not yet published (inner type unknown)
    wire::Fifo<std::uint8_t> inner_types;        // TLS 1.3 inner types not yet matched to a record
    std::uint64_t plain_next = 0;                // plaintext offset of the next application-data byte
    bool plain_known = true;                     // false once a record's share cannot be computed
    std::optional<wire::TlsRecord> summary;      // records folded while over the rate
  };

  static long on_bio(BIO* bio, int oper, const char* argp, std::size_t len, int argi, long argl, int ret,
                     std::size_t* processed);
  static void on_message(int write_p, int version, int content_type, const void* buf, std::size_t len, SSL* ssl,
                         void* arg);
  void bytes(wire::Direction dir, const std::uint8_t* data, std::size_t len);
  void pump(wire::Direction dir);
  void emit(wire::Direction dir, const wire::TlsRecordHead& head, std::optional<std::uint8_t> inner);
  bool take_token();
  void flush_summary(Direction& d);
  std::optional<std::size_t> overhead() const;   // per application-data record, for this connection's cipher
  Direction& side(wire::Direction dir) { return sides_[dir == wire::Direction::c2s ? 0 : 1]; }

  std::uint64_t conn_;
  SSL* ssl_;
  BIO* bio_ = nullptr;
  Metrics& metrics_;
  Publish publish_;
  Clock clock_;
  std::array<Direction, 2> sides_;
  std::vector<wire::TlsRecord> held_;   // before start()
  double tokens_ = kBurst;
  std::int64_t tokens_at_us_ = 0;
};

}  // namespace relay
