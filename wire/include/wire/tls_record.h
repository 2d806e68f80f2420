// wire::TlsRecordReader: splits one direction of a TLS byte stream into its
// records (RFC 8446 5.1; RFC 5246 6.2 for TLS 1.2), whatever the chunking:
//
//   struct { ContentType type; ProtocolVersion legacy_record_version;
//            uint16 length; opaque fragment[length]; } TLSPlaintext;   // or TLSCiphertext
//
// It keeps each record's header fields and only the first bytes of its body
// (kBodyHeadMax), never a whole body: the relay shows what the network sees
// without becoming a recorder of the ciphertext. Pure: no sockets, no OpenSSL.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace wire {

enum class TlsContentType : std::uint8_t {   // RFC 8446 5.1, B.1
  change_cipher_spec = 20,
  alert = 21,
  handshake = 22,
  application_data = 23,
};
const char* tls_content_type_name(std::uint8_t type);   // "handshake", ... "type 99" for others
std::string tls_version_name(std::uint16_t version);    // 0x0303 -> "TLS 1.2 (03 03)"

struct TlsRecordHead {
  std::uint64_t offset = 0;          // first header byte in this direction's TLS stream
  std::uint8_t content_type = 0;
  std::uint16_t version = 0;         // legacy_record_version
  std::uint16_t length = 0;          // body bytes after the 5-byte header
  std::vector<std::uint8_t> body_head;   // the first min(length, kBodyHeadMax) body bytes
};

class TlsRecordReader {
 public:
  static constexpr std::size_t kHeaderLen = 5;
  static constexpr std::size_t kBodyHeadMax = 16;
  // RFC 8446 5.2: a TLSCiphertext body MUST NOT exceed 2^14 + 256 bytes.
  static constexpr std::size_t kMaxLength = (1u << 14) + 256;

  // Feeds bytes; appends each record completed by them to `out`, in order.
  // After a length over kMaxLength the stream is not TLS: the reader stops
  // (failed()) and ignores everything after.
  void feed(std::span<const std::uint8_t> bytes, std::vector<TlsRecordHead>& out);
  bool failed() const { return state_ == State::failed; }
  std::uint64_t consumed() const { return consumed_; }

 private:
  enum class State { header, body, failed };
  State state_ = State::header;
  std::uint8_t header_[kHeaderLen] = {};
  std::size_t header_have_ = 0;
  std::size_t body_left_ = 0;
  TlsRecordHead current_;
  std::uint64_t consumed_ = 0;       // stream offset of the next byte fed
};

}  // namespace wire
