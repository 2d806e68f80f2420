// "What if the whole class chatted?": the Polling scene's model. It scales the
// MEASURED cost of one chat message per transport (bytes and requests, from
// viz::TransportStats) to N clients x M messages per minute. It is a model,
// and the scene labels it so: real traffic also has idle polls, pings and TCP/IP
// overhead that this arithmetic leaves out.
//
// Beside it, the classic figure: Lubbers & Greco, "HTML5 Web Sockets: A
// Quantum Leap in Scalability for the Web" (websocket.org, 2010) measured 871
// bytes of HTTP headers per polled request/response and scaled it to 1,000,
// 10,000 and 100,000 clients polling once a second (6.6, 66 and 665 Mbit/s),
// against 2 bytes of framing per WebSocket message. Their Mbit is 2^20 bits.
// Pure: no ImGui; tested in tests/visualizer/teach_extrapolation_test.cpp.
#pragma once

#include <cstdint>

namespace viz::teach {

inline constexpr double kClassicPollHeaderBytes = 871.0;   // Lubbers & Greco, per request + response
inline constexpr double kClassicWsFrameBytes = 2.0;        // their WebSocket framing per message

// The measured cost of one chat message (send + delivery) on one transport.
struct MessageCost {
  double header_bytes = 0.0;    // HTTP heads or frame headers
  double payload_bytes = 0.0;   // JSON bodies or frame payloads
  double requests = 0.0;        // HTTP requests (0 for WebSocket)
  double total_bytes() const { return header_bytes + payload_bytes; }
};

struct Load {
  std::uint32_t clients = 100;          // N
  double messages_per_minute = 10.0;    // per client
  double messages_per_second() const { return clients * messages_per_minute / 60.0; }
};

struct Throughput {
  double bytes_per_second = 0.0;
  double header_bytes_per_second = 0.0;
  double requests_per_second = 0.0;
  double bits_per_second() const { return bytes_per_second * 8.0; }
};

// messages/s x cost of one message.
Throughput extrapolate(const MessageCost& cost, const Load& load);

// The classic figure at this load: 871 header bytes per polled request, one
// request per message (their assumption), and 2 bytes per WebSocket message.
Throughput classic_polling(const Load& load);
Throughput classic_websocket(const Load& load);

// Their own table: N clients polling once a second, in their Mbit/s (2^20 bits):
// 1,000 -> 6.6; 10,000 -> 66.5; 100,000 -> 664.5.
double classic_table_mbps(std::uint32_t clients_polling_once_a_second);

// Readable sizes for the screen: "871 B", "12.4 KB", "3.1 MB" (decimal, 1 KB = 1000 B),
// and rates "6.97 Mbit/s" (decimal).
const char* format_bytes(double bytes, char* buf, int size);
const char* format_bits_per_second(double bits, char* buf, int size);

}  // namespace viz::teach
