// Lab 2 reference solution: frame headers in all three length forms, decoded from any prefix.
#include "frame.h"

namespace ws {
namespace {

HeaderResult invalid(std::string why) {
  HeaderResult r;
  r.status = DecodeStatus::invalid;
  r.error = std::move(why);
  return r;
}

HeaderResult need(std::size_t total, std::size_t have) {
  HeaderResult r;
  r.status = DecodeStatus::need_more;
  r.bytes_needed = total - have;
  return r;
}

}  // namespace

bool is_control(Opcode opcode) { return (static_cast<std::uint8_t>(opcode) & 0x8) != 0; }

bool is_reserved(Opcode opcode) {
  auto op = static_cast<std::uint8_t>(opcode);
  return (op >= 0x3 && op <= 0x7) || op >= 0xB;
}

std::vector<std::uint8_t> encode_frame_header(const FrameHeader& header) {
  std::vector<std::uint8_t> out;
  std::uint8_t first = static_cast<std::uint8_t>(header.opcode) & 0x0f;
  if (header.fin) first |= 0x80;
  if (header.rsv1) first |= 0x40;
  if (header.rsv2) first |= 0x20;
  if (header.rsv3) first |= 0x10;
  out.push_back(first);

  std::uint8_t mask_bit = header.masked ? 0x80 : 0x00;
  std::uint64_t len = header.payload_len;
  if (len <= 125) {
    out.push_back(static_cast<std::uint8_t>(mask_bit | len));
  } else if (len <= 0xffff) {
    out.push_back(mask_bit | 126);
    out.push_back(static_cast<std::uint8_t>(len >> 8));  // network byte order: high byte first
    out.push_back(static_cast<std::uint8_t>(len));
  } else {
    out.push_back(mask_bit | 127);
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(len >> shift));
  }
  if (header.masked) out.insert(out.end(), header.masking_key.begin(), header.masking_key.end());
  return out;
}

HeaderResult decode_frame_header(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < 2) return need(2, bytes.size());

  FrameHeader h;
  h.fin = (bytes[0] & 0x80) != 0;
  h.rsv1 = (bytes[0] & 0x40) != 0;
  h.rsv2 = (bytes[0] & 0x20) != 0;
  h.rsv3 = (bytes[0] & 0x10) != 0;
  h.opcode = static_cast<Opcode>(bytes[0] & 0x0f);
  h.masked = (bytes[1] & 0x80) != 0;
  std::uint8_t len7 = bytes[1] & 0x7f;

  // 5.2: RSV1-3 MUST be 0 unless an extension defines them
  if (h.rsv1 || h.rsv2 || h.rsv3) return invalid("RFC 6455 5.2: RSV bit set without an extension");
  // 5.2: reserved opcodes: the receiving endpoint MUST fail the connection
  if (is_reserved(h.opcode)) return invalid("RFC 6455 5.2: reserved opcode");
  // 5.5: control frames MUST NOT be fragmented
  if (is_control(h.opcode) && !h.fin) return invalid("RFC 6455 5.5: fragmented control frame");
  // 5.5: control frames MUST have a payload length of 125 bytes or less
  if (is_control(h.opcode) && len7 > 125) return invalid("RFC 6455 5.5: control frame longer than 125 bytes");

  std::size_t ext = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
  std::size_t total = 2 + ext + (h.masked ? 4 : 0);
  if (bytes.size() < total) return need(total, bytes.size());

  if (ext == 0) {
    h.payload_len = len7;
  } else {
    h.payload_len = 0;
    for (std::size_t i = 0; i < ext; ++i) h.payload_len = (h.payload_len << 8) | bytes[2 + i];
  }
  // 5.2: the most significant bit of a 64-bit length MUST be 0
  if (ext == 8 && (h.payload_len >> 63) != 0) return invalid("RFC 6455 5.2: 64-bit length with its top bit set");
  // 5.2: "the minimal number of bytes MUST be used to encode the length"
  if ((ext == 2 && h.payload_len < 126) || (ext == 8 && h.payload_len < 65536)) {
    return invalid("RFC 6455 5.2: the length is in a longer form than it needs");
  }
  if (h.masked) {
    for (std::size_t i = 0; i < 4; ++i) h.masking_key[i] = bytes[2 + ext + i];
  }

  HeaderResult r;
  r.status = DecodeStatus::complete;
  r.header = h;
  r.header_len = total;
  return r;
}

void FrameReader::feed(std::span<const std::uint8_t> bytes) {
  // Drop the bytes already taken before growing, so the buffer stays about one frame long.
  if (start_ > 0) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(start_));
    start_ = 0;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

FrameResult FrameReader::next() {
  if (broken_) return *broken_;
  std::span<const std::uint8_t> unread(buffer_.data() + start_, buffer_.size() - start_);

  HeaderResult h = decode_frame_header(unread);
  FrameResult r;
  if (h.status == DecodeStatus::need_more) {
    r.bytes_needed = h.bytes_needed;
    return r;
  }
  if (h.status == DecodeStatus::invalid) {
    r.status = DecodeStatus::invalid;
    r.error = h.error;
    broken_ = r;
    return r;
  }
  if (h.header.payload_len > max_payload_len_) {
    r.status = DecodeStatus::too_big;
    r.error = "RFC 6455 7.4.1: payload of " + std::to_string(h.header.payload_len) + " bytes is over the limit";
    broken_ = r;
    return r;
  }
  std::size_t len = static_cast<std::size_t>(h.header.payload_len);
  if (unread.size() - h.header_len < len) {
    r.bytes_needed = len - (unread.size() - h.header_len);
    return r;
  }
  r.status = DecodeStatus::complete;
  r.frame.header = h.header;
  auto payload = unread.subspan(h.header_len, len);
  r.frame.payload.assign(payload.begin(), payload.end());
  start_ += h.header_len + len;
  return r;
}

}  // namespace ws
