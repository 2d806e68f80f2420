// Export of mirror events to pcapng, so Wireshark / tshark can open a capture
// as a real HTTP + WebSocket conversation (docs/mirror-protocol.md, "Export to
// pcapng"). Each connection becomes a synthesized TCP connection over IPv4
// loopback: SYN / SYN-ACK / ACK when first seen, each http, frame and raw
// event's bytes as one segment in its direction (sequence numbers from the
// events' offsets), FIN from both sides at close. Timestamps are t_us.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "wire/events.h"
#include "wire/result.h"

namespace wire {

struct PcapngOptions {
  // Port 80: Wireshark decodes it as HTTP without "Decode As", and follows the
  // 101 into WebSocket. (The relay's real port, 7681, needs -d tcp.port==7681,http.)
  std::uint16_t server_port = 80;
  // Client port of connection c: client_port_base + c % 20000.
  std::uint16_t client_port_base = 40000;
};

// The whole file: section header, one raw-IPv4 interface (LINKTYPE_RAW, 101,
// microsecond timestamps), one enhanced packet block per packet.
Bytes capture_to_pcapng(const std::vector<Event>& events, const PcapngOptions& options = {});
// Writes capture_to_pcapng() to path; the error names the path.
Result<bool> write_pcapng_file(const std::string& path, const std::vector<Event>& events,
                               const PcapngOptions& options = {});

// RFC 1071 Internet checksum over bytes (used for IPv4 and TCP; exposed for tests).
std::uint16_t internet_checksum(const std::uint8_t* data, std::size_t len, std::uint32_t initial_sum = 0);

}  // namespace wire
