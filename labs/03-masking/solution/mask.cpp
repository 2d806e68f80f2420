// Lab 3 reference solution: masking from any offset, keys from the kernel's CSPRNG, who masks what.
#include "mask.h"

#include <sys/random.h>

#include <cerrno>
#include <stdexcept>

namespace ws {

void apply_mask(std::span<std::uint8_t> data, const std::array<std::uint8_t, 4>& masking_key,
                std::uint64_t offset) {
  // 5.3: j = i MOD 4; transformed-octet-i = original-octet-i XOR masking-key-octet-j
  for (std::size_t i = 0; i < data.size(); ++i) data[i] ^= masking_key[(offset + i) % 4];
}

std::array<std::uint8_t, 4> new_masking_key() {
  std::array<std::uint8_t, 4> key{};
  // getrandom reads the kernel's CSPRNG; 4 bytes never come back short once it is seeded.
  while (getrandom(key.data(), key.size(), 0) != static_cast<ssize_t>(key.size())) {
    if (errno != EINTR) throw std::runtime_error("getrandom failed");
  }
  return key;
}

std::vector<std::uint8_t> encode_frame(Role sender, Opcode opcode, std::span<const std::uint8_t> payload, bool fin) {
  FrameHeader h;
  h.fin = fin;
  h.opcode = opcode;
  h.payload_len = payload.size();
  h.masked = sender == Role::client;  // 5.1: clients mask, servers do not
  if (h.masked) h.masking_key = new_masking_key();

  std::vector<std::uint8_t> out = encode_frame_header(h);
  std::size_t header_len = out.size();
  out.insert(out.end(), payload.begin(), payload.end());
  if (h.masked) apply_mask(std::span(out).subspan(header_len), h.masking_key);
  return out;
}

std::string check_masking(Role receiver, const FrameHeader& header) {
  // 5.1: "a server MUST close the connection upon receiving a frame that is not masked"
  if (receiver == Role::server && !header.masked) return "RFC 6455 5.1: a client's frame must be masked";
  // 5.1: "A client MUST close a connection if it detects a masked frame"
  if (receiver == Role::client && header.masked) return "RFC 6455 5.1: a server's frame must not be masked";
  return "";
}

void unmask_frame(Frame& frame) {
  if (!frame.header.masked) return;
  apply_mask(frame.payload, frame.header.masking_key);
  frame.header.masked = false;
  frame.header.masking_key = {};
}

}  // namespace ws
