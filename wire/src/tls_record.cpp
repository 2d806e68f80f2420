// The TLS record layer's framing (RFC 8446 5.1): header fields and the first
// body bytes of each record, from bytes in any chunking.
#include "wire/tls_record.h"

#include <algorithm>
#include <cstdio>

namespace wire {

const char* tls_content_type_name(std::uint8_t type) {
  switch (static_cast<TlsContentType>(type)) {
    case TlsContentType::change_cipher_spec: return "change_cipher_spec";
    case TlsContentType::alert: return "alert";
    case TlsContentType::handshake: return "handshake";
    case TlsContentType::application_data: return "application_data";
  }
  return "unknown type";
}

std::string tls_version_name(std::uint16_t version) {
  const char* name = version == 0x0301 ? "TLS 1.0" : version == 0x0302 ? "TLS 1.1"
                   : version == 0x0303 ? "TLS 1.2" : version == 0x0304 ? "TLS 1.3" : "?";
  char text[32];
  std::snprintf(text, sizeof text, "%s (%02x %02x)", name, version >> 8, version & 0xff);
  return text;
}

void TlsRecordReader::feed(std::span<const std::uint8_t> bytes, std::vector<TlsRecordHead>& out) {
  std::size_t i = 0;
  while (i < bytes.size() && state_ != State::failed) {
    if (state_ == State::header) {
      const std::size_t take = std::min(kHeaderLen - header_have_, bytes.size() - i);
      std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(i), take, header_ + header_have_);
      header_have_ += take;
      i += take;
      if (header_have_ < kHeaderLen) break;
      current_ = TlsRecordHead{};
      current_.offset = consumed_ + i - kHeaderLen;
      current_.content_type = header_[0];
      current_.version = static_cast<std::uint16_t>(header_[1] << 8 | header_[2]);
      current_.length = static_cast<std::uint16_t>(header_[3] << 8 | header_[4]);
      header_have_ = 0;
      if (current_.length > kMaxLength) {
        state_ = State::failed;
        break;
      }
      body_left_ = current_.length;
      state_ = State::body;
    }
    if (state_ == State::body) {
      const std::size_t take = std::min(body_left_, bytes.size() - i);
      const std::size_t keep = std::min(take, kBodyHeadMax - std::min(kBodyHeadMax, current_.body_head.size()));
      current_.body_head.insert(current_.body_head.end(), bytes.begin() + static_cast<std::ptrdiff_t>(i),
                                bytes.begin() + static_cast<std::ptrdiff_t>(i + keep));
      body_left_ -= take;
      i += take;
      if (body_left_ == 0) {
        out.push_back(std::move(current_));
        state_ = State::header;
      }
    }
  }
  consumed_ += bytes.size();
}

}  // namespace wire
