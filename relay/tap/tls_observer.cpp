// The ciphertext side of a --tls-cert connection (see tls_observer.h).
#include "relay/tap/tls_observer.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include <openssl/bio.h>

namespace relay {
namespace {

constexpr std::uint8_t kApplicationData = static_cast<std::uint8_t>(wire::TlsContentType::application_data);

}  // namespace

TlsObserver::TlsObserver(std::uint64_t conn, SSL* ssl, Metrics& metrics, Publish publish, Clock clock)
    : conn_(conn), ssl_(ssl), metrics_(metrics), publish_(std::move(publish)), clock_(std::move(clock)) {
  tokens_at_us_ = clock_();
  // lws gives the SSL one socket BIO for both directions (SSL_set_fd).
  bio_ = SSL_get_rbio(ssl_);
  if (bio_ != nullptr) {
    BIO_set_callback_arg(bio_, reinterpret_cast<char*>(this));
    BIO_set_callback_ex(bio_, &TlsObserver::on_bio);
  }
  SSL_set_msg_callback_arg(ssl_, this);
  SSL_set_msg_callback(ssl_, &TlsObserver::on_message);
}

TlsObserver::~TlsObserver() { detach(); }

void TlsObserver::start(std::uint64_t conn) {
  conn_ = conn;
  for (auto& r : held_) {
    r.conn = conn;
    publish_(std::move(r));
  }
  held_.clear();
  for (auto& d : sides_) {
    if (d.summary) d.summary->conn = conn;
  }
}

void TlsObserver::flush() {
  for (auto& d : sides_) flush_summary(d);
}

void TlsObserver::detach() {
  if (ssl_ == nullptr) return;
  if (bio_ != nullptr) {
    BIO_set_callback_ex(bio_, nullptr);
    BIO_set_callback_arg(bio_, nullptr);
  }
  SSL_set_msg_callback(ssl_, nullptr);
  SSL_set_msg_callback_arg(ssl_, nullptr);
  ssl_ = nullptr;
  for (auto dir : {wire::Direction::c2s, wire::Direction::s2c}) {
    Direction& d = side(dir);
    while (!d.waiting.empty()) {   // their inner type never came: published without it
      emit(dir, d.waiting.front(), std::nullopt);
      d.waiting.pop_front();
    }
    flush_summary(d);
  }
}

// OpenSSL calls this before and after each socket read or write; after
// (BIO_CB_RETURN) `argp` holds the `*processed` bytes that crossed.
long TlsObserver::on_bio(BIO* bio, int oper, const char* argp, std::size_t /*len*/, int /*argi*/, long /*argl*/,
                         int ret, std::size_t* processed) {
  auto* self = reinterpret_cast<TlsObserver*>(BIO_get_callback_arg(bio));
  if (self == nullptr || ret <= 0 || processed == nullptr || *processed == 0) return ret;
  const auto* data = reinterpret_cast<const std::uint8_t*>(argp);
  if (oper == (BIO_CB_READ | BIO_CB_RETURN)) self->bytes(wire::Direction::c2s, data, *processed);
  if (oper == (BIO_CB_WRITE | BIO_CB_RETURN)) self->bytes(wire::Direction::s2c, data, *processed);
  return ret;
}

// Only the TLS 1.3 inner content type is taken: one byte per encrypted
// record, in record order (OpenSSL 3.0 reports it on read after decrypting,
// on write after encrypting). Handshake contents are never looked at.
void TlsObserver::on_message(int write_p, int /*version*/, int content_type, const void* buf, std::size_t len,
                             SSL* /*ssl*/, void* arg) {
  auto* self = static_cast<TlsObserver*>(arg);
  if (self == nullptr || content_type != SSL3_RT_INNER_CONTENT_TYPE || len != 1) return;
  const auto dir = write_p ? wire::Direction::s2c : wire::Direction::c2s;
  Direction& d = self->side(dir);
  if (d.inner_types.size() >= kMaxWaiting) d.inner_types.pop_front();   // unmatched: keep the newest
  d.inner_types.push_back(*static_cast<const std::uint8_t*>(buf));
  self->pump(dir);
}

void TlsObserver::bytes(wire::Direction dir, const std::uint8_t* data, std::size_t len) {
  Direction& d = side(dir);
  std::vector<wire::TlsRecordHead> done;
  d.reader.feed({data, len}, done);
  for (auto& r : done) d.waiting.push_back(std::move(r));
  pump(dir);
}

// Publishes the waiting records in order; a TLS 1.3 encrypted record (outer
// type 23) waits for its inner type. A bound keeps waiting short.
void TlsObserver::pump(wire::Direction dir) {
  Direction& d = side(dir);
  const bool tls13 = ssl_ != nullptr && SSL_version(ssl_) == TLS1_3_VERSION;
  while (!d.waiting.empty()) {
    const wire::TlsRecordHead& head = d.waiting.front();
    std::optional<std::uint8_t> inner;
    if (tls13 && head.content_type == kApplicationData) {
      if (d.inner_types.empty()) {
        if (d.waiting.size() < kMaxWaiting) return;
        d.plain_known = false;   // lost track of which records carry data
      } else {
        inner = d.inner_types.front();
        d.inner_types.pop_front();
      }
    }
    emit(dir, head, inner);
    d.waiting.pop_front();
  }
}

// Bytes of an application-data record that are not plaintext: RFC 8446 5.2
// (TLS 1.3: the AEAD tag and the inner type byte; OpenSSL pads nothing) and
// RFC 5288 / RFC 7905 (TLS 1.2: explicit nonce + tag for AES-GCM, tag only
// for ChaCha20-Poly1305). Other ciphers (CBC) pad: no exact share.
std::optional<std::size_t> TlsObserver::overhead() const {
  const SSL_CIPHER* cipher = ssl_ == nullptr ? nullptr : SSL_get_current_cipher(ssl_);
  if (cipher == nullptr) return std::nullopt;
  const std::string_view name = SSL_CIPHER_get_name(cipher);
  const bool ccm8 = name.find("CCM_8") != std::string_view::npos || name.find("CCM8") != std::string_view::npos;
  const std::size_t tag = ccm8 ? 8 : 16;
  if (SSL_version(ssl_) == TLS1_3_VERSION) return 1 + tag;
  if (name.find("CHACHA20") != std::string_view::npos) return tag;
  if (name.find("GCM") != std::string_view::npos || name.find("CCM") != std::string_view::npos) return 8 + tag;
  return std::nullopt;
}

void TlsObserver::emit(wire::Direction dir, const wire::TlsRecordHead& head, std::optional<std::uint8_t> inner) {
  Direction& d = side(dir);
  wire::TlsRecord r;
  r.conn = conn_;
  r.dir = dir;
  r.offset = head.offset;
  r.content_type = head.content_type;
  r.version = head.version;
  r.length = head.length;
  r.body_head = head.body_head;
  r.inner_type = inner;
  const bool carries_data = head.content_type == kApplicationData && (!inner || *inner == kApplicationData);
  if (carries_data && d.plain_known) {
    const auto extra = overhead();
    if (extra && head.length >= *extra) {
      r.plain_offset = d.plain_next;
      r.plain_len = head.length - *extra;
      d.plain_next += r.plain_len;
    } else {
      d.plain_known = false;
    }
  }
  if (conn_ == 0 && held_.size() < kMaxHeld) {   // no id yet: held until start()
    metrics_.tls_record(false);
    held_.push_back(std::move(r));
    return;
  }
  const bool summarised = conn_ == 0 || !take_token();
  metrics_.tls_record(summarised);
  if (!summarised) {
    flush_summary(d);   // what was folded comes first, in order
    publish_(std::move(r));
    return;
  }
  if (!d.summary) {
    d.summary = std::move(r);
    return;
  }
  wire::TlsRecord& s = *d.summary;
  s.length += r.length;
  s.count += 1;
  if (r.plain_offset) {
    if (!s.plain_offset) s.plain_offset = r.plain_offset;
    s.plain_len = *r.plain_offset + r.plain_len - *s.plain_offset;
  }
}

void TlsObserver::flush_summary(Direction& d) {
  if (!d.summary || conn_ == 0) return;
  publish_(std::move(*d.summary));
  d.summary.reset();
}

// A token bucket per connection: kBurst at once, then kPerSecond.
bool TlsObserver::take_token() {
  const std::int64_t now = clock_();
  tokens_ = std::min(kBurst, tokens_ + static_cast<double>(now - tokens_at_us_) * kPerSecond / 1e6);
  tokens_at_us_ = now;
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

}  // namespace relay
