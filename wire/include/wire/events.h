// The mirror event model: what the relay tells the visualizer, and what a
// capture file holds, one JSON object per line. docs/mirror-protocol.md is the
// contract; these types and their JSON form (events.cpp) implement it exactly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "wire/result.h"

namespace wire {

using Bytes = std::vector<std::uint8_t>;

enum class Direction : std::uint8_t { c2s, s2c };    // JSON "c2s" | "s2c"
enum class Transport : std::uint8_t { tcp, tls };    // JSON "tcp" | "tls"
enum class ClosedBy : std::uint8_t { client, relay };

// One open connection, as listed in `hello`'s snapshot.
struct ConnectionInfo {
  std::uint64_t conn = 0;
  Transport transport = Transport::tcp;
  std::string state;            // "http" before a 101, "websocket" after
  std::int64_t opened_t_us = 0;
  std::string who{};            // the stranger this connection carries, "" when none (JSON: absent)
};

// One chat participant in `hello`'s snapshot: what the `chat` events said so far.
enum class ChatTransport : std::uint8_t { websocket, long_poll };      // JSON "websocket" | "long-poll"
enum class ChatState : std::uint8_t { lobby, waiting, paired, room };  // JSON "lobby" | "waiting" | "paired" | "room"
struct ParticipantInfo {
  std::string who;              // "Stranger 7f3a"
  ChatTransport transport = ChatTransport::websocket;
  std::uint64_t conn = 0;       // its WebSocket, or the connection of its held/latest poll request
  ChatState state = ChatState::lobby;
  std::string peer;             // the peer's label when paired, else "" (JSON: absent)
  std::string room;             // the room's name when in one, else "" (JSON: absent)
  bool bot = false;             // one of --demo's scripted strangers (JSON: `"bot":true`, else absent)
};

struct Open { std::uint64_t conn = 0; Transport transport = Transport::tcp; };
struct Close {
  std::uint64_t conn = 0;
  ClosedBy by = ClosedBy::client;
  std::optional<std::uint16_t> code;   // JSON null when no close frame was seen
  std::string reason;
};
// One whole HTTP/1.1 message (head + body) exactly as it crossed the wire.
struct Http {
  std::uint64_t conn = 0;
  Direction dir = Direction::c2s;
  std::uint64_t offset = 0;          // byte offset of its first byte in this direction's stream
  std::string start_line;            // "GET /chat HTTP/1.1" or "HTTP/1.1 101 Switching Protocols"
  std::vector<std::pair<std::string, std::string>> headers;   // in wire order, names as sent
  std::uint64_t body_len = 0;        // body bytes as on the wire (chunked coding included)
  Bytes bytes;                       // the exact message, head and body; body maybe cut (truncated)
  bool truncated = false;            // bytes holds only the first part of the body
  // The long-poll session this message names, as a label ("session #3"); its
  // id is never in an event (credentials.h blanks it). "" when none (JSON: absent).
  std::string session{};
  // Each credential field it carried (Cookie, Set-Cookie, Authorization, Proxy-Authorization), in
  // order, with a label in order of first sight: {"Cookie", "credential #2"}. The value is blanked in
  // bytes and headers; the label says when two messages carry the same one. Empty: JSON absent.
  std::vector<std::pair<std::string, std::string>> credentials{};
};
// One WebSocket frame exactly as it crossed the wire (RFC 6455 5.2).
struct Frame {
  std::uint64_t conn = 0;
  Direction dir = Direction::c2s;
  std::uint64_t offset = 0;
  bool fin = true;
  std::uint8_t rsv = 0;              // bits rsv1 rsv2 rsv3 as 0b100 0b010 0b001
  std::uint8_t opcode = 0;
  bool masked = false;
  std::optional<std::uint32_t> mask_key;   // JSON "37fa213d" (big-endian as on the wire) or null
  std::uint64_t payload_len = 0;
  Bytes header;                      // 2 to 14 header bytes
  Bytes payload;                     // as on the wire, still masked; maybe cut (truncated)
  bool truncated = false;
};
// An `http` event kept for `hello`'s handshakes: the event's own seq and t_us.
struct HelloHttp {
  std::uint64_t seq = 0;
  std::int64_t t_us = 0;
  Http http;
};
// --delay-ms / --jitter-ms: the simulated wire between each client and the relay.
struct Link {
  int delay_ms = 0;    // each direction
  int jitter_ms = 0;   // plus uniform 0..jitter_ms per chunk
};
struct Hello {
  int version = 1;
  std::string relay;            // e.g. "wirelab-relay 0.1.0 (libwebsockets 4.1.6)"
  bool tap = true;
  bool deterministic = false;
  std::vector<ConnectionInfo> connections;
  std::vector<ParticipantInfo> participants{};   // absent in older lines: read as empty
  // The upgrade request and response of every open connection, as their
  // `http` events were published (seq, t_us, shaping and blanking included),
  // so a late subscriber can show the handshakes at once. Absent: none.
  std::vector<HelloHttp> handshakes{};
  // --delay-ms / --jitter-ms (JSON: after "deterministic"). Absent: no simulated
  // delay, and in hellos from before this field. Last, so positional initialisers keep their meaning.
  std::optional<Link> link{};
};
struct Raw { std::uint64_t conn = 0; Direction dir = Direction::c2s; std::uint64_t offset = 0; Bytes bytes; std::string why; };
struct Violation { std::uint64_t conn = 0; std::string rule; std::string action; };
struct Chat {
  std::uint64_t conn = 0;
  std::string event;                 // "welcome" | "paired" | "joined" | "left" | "said" | ...
  std::string who;                   // "Stranger 7f3a"
  std::string peer;                  // "" when none
  bool bot = false;                  // `who` is one of --demo's scripted strangers (JSON: `"bot":true`, else absent)
};
struct Dropped { std::uint64_t count = 0; };
// One TLS record (RFC 8446 5.1, RFC 5246 6.2) as it crossed the wire on a
// --tls-cert connection: what the network sees. `count` > 1 when the relay
// summarised a burst into one event (then `length` is the sum and `body_head`
// is the first record's). Never key material; only a prefix of the body.
struct TlsRecord {
  std::uint64_t conn = 0;
  Direction dir = Direction::c2s;
  std::uint64_t offset = 0;          // first byte in this direction's TLS byte stream (ciphertext side)
  std::uint8_t content_type = 0;     // the outer type: 20 change_cipher_spec, 21 alert, 22 handshake, 23 application_data
  std::uint16_t version = 0;         // legacy_record_version, e.g. 0x0303
  std::uint64_t length = 0;          // the length field(s): body bytes, headers not included
  Bytes body_head;                   // the first bytes of the (first) body, as on the wire, at most 16
  std::optional<std::uint8_t> inner_type;   // TLS 1.3: the real type, known once the relay decrypted it
  std::optional<std::uint64_t> plain_offset;   // the plaintext bytes carried: offset in the plaintext stream
  std::uint64_t plain_len = 0;       //   (the `offset`s of http/frame/raw units) and length; none: 0 bytes
  std::uint64_t count = 1;
};

using EventBody = std::variant<Hello, Open, Close, Http, Frame, Raw, Violation, Chat, Dropped, TlsRecord>;

struct Event {
  std::uint64_t seq = 0;
  std::int64_t t_us = 0;
  EventBody body;
};

// The `kind` string of an event: "hello", "open", ... "dropped".
const char* kind_name(const EventBody& body);

// JSON form, exactly as docs/mirror-protocol.md.
nlohmann::json to_json(const Event& event);
std::string to_json_line(const Event& event);   // compact, no trailing newline
Result<Event> event_from_json(const nlohmann::json& j);
Result<Event> parse_event_line(std::string_view line);   // never throws

std::string mask_key_hex(std::uint32_t key);    // "37fa213d"
const char* chat_transport_name(ChatTransport t);   // "websocket" | "long-poll"
const char* chat_state_name(ChatState s);           // "lobby" | "waiting" | "paired" | "room"

}  // namespace wire
