// The Upgrade scene's content: header notes, the accept derivation, failures.
#include "teach/handshake_notes.h"
#include "teach/frame_layout.h"

#include <algorithm>
#include <cstdio>

#include "wire/base64.h"
#include "wire/http.h"

namespace viz::teach {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  const auto lower = [](char ch) { return ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch; };
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

struct NoteRow {
  const char* name;
  HeaderNote request;
  HeaderNote response;
};

// RFC 6455 4.1 lists the client's requirements (numbered 1-12), 4.2.2 the server's answer.
constexpr NoteRow kNotes[] = {
    {"Host",
     {"Which host and port the client wants.", "RFC 6455 4.1 (4)", true},
     {"Not expected in a response.", "", false}},
    {"Upgrade",
     {"Asks to switch this connection to WebSocket.", "RFC 6455 4.1 (5)", true},
     {"Confirms the switch to \"websocket\" (any case).", "RFC 6455 4.2.2 (5.2)", true}},
    {"Connection",
     {"Holds \"Upgrade\": the upgrade is for this hop.", "RFC 6455 4.1 (6)", true},
     {"\"Upgrade\": the next bytes are WebSocket frames.", "RFC 6455 4.2.2 (5.3)", true}},
    {"Sec-WebSocket-Key",
     {"16 random bytes (base64) the server must hash back.", "RFC 6455 4.1 (7)", true},
     {"Not expected in a response.", "", false}},
    {"Sec-WebSocket-Version",
     {"Must be 13; any other version gets a 426.", "RFC 6455 4.1 (9)", true},
     {"The versions this server speaks (with a 426).", "RFC 6455 4.4", true}},
    {"Origin",
     {"The page's site (browsers); a server may refuse it.", "RFC 6455 4.1 (8), 10.2", true},
     {"Not expected in a response.", "", false}},
    {"Sec-WebSocket-Protocol",
     {"Subprotocols offered, most preferred first.", "RFC 6455 4.1 (10), 11.3.4", true},
     {"The one subprotocol the server chose.", "RFC 6455 4.2.2 (5.5)", true}},
    {"Sec-WebSocket-Extensions",
     {"Extensions offered, e.g. permessage-deflate (RFC 7692: compressed payloads).", "RFC 6455 4.1 (11), 9.1", true},
     {"Extensions accepted: only these may be used. permessage-deflate marks compressed frames with RSV1 (RFC 7692).",
      "RFC 6455 4.2.2 (5.6), 9.1", true}},
    {"Sec-WebSocket-Accept",
     {"Not expected in a request.", "", false},
     {"base64(SHA-1(key + GUID)): the proof, see right.", "RFC 6455 4.2.2 (5.4), 1.3", true}},
    {"User-Agent",
     {"The client's software; not part of the handshake.", "RFC 9110 10.1.5", false},
     {"Not expected in a response.", "", false}},
    {"Server",
     {"Not expected in a request.", "", false},
     {"The server's software; not part of the handshake.", "RFC 9110 10.2.4", false}},
};

constexpr HeaderNote kUnknown{"Ordinary HTTP, not part of the handshake.", "RFC 6455 4.1 (12)", false};

}  // namespace

HeaderNote header_note(std::string_view name, wire::Direction dir, int status) {
  if (dir == wire::Direction::s2c && status != 101) {   // a refusal: the connection stays HTTP
    if (iequals(name, "Connection")) {
      return {"No \"Upgrade\": it stays HTTP (\"close\" ends it).", "RFC 9110 7.6.1", true};
    }
    if (iequals(name, "Upgrade")) {
      return {"The protocol it would switch to, if asked right.", "RFC 9110 7.8", true};
    }
  }
  for (const NoteRow& row : kNotes) {
    if (iequals(name, row.name)) return dir == wire::Direction::c2s ? row.request : row.response;
  }
  return kUnknown;
}

HeaderNote start_line_note(std::string_view start_line, wire::Direction dir) {
  if (dir == wire::Direction::c2s) {
    return {"The method MUST be GET and the version at least HTTP/1.1; the path names the endpoint.",
            "RFC 6455 4.1 (2), (3)", true};
  }
  const int status = status_code(start_line);
  if (status == 101) return {"101 Switching Protocols: from the next byte on, both sides speak WebSocket.",
                             "RFC 6455 4.2.2 (5.1)", true};
  if (status == 426) return {"426 Upgrade Required: the server does not speak the requested version.",
                             "RFC 6455 4.2.2, 4.4", true};
  if (status == 400) return {"400 Bad Request: the upgrade request broke a rule of 4.2.1.", "RFC 6455 4.2.1", true};
  return {"Any status other than 101 means the connection stays HTTP: the upgrade failed.", "RFC 6455 4.1", true};
}

AcceptDerivation derive_accept(std::optional<std::string_view> key, std::optional<std::string_view> response_accept) {
  AcceptDerivation d;
  if (response_accept) d.response_accept = std::string(*response_accept);
  if (!key) {
    d.verdict = AcceptDerivation::Verdict::no_key;
    return d;
  }
  d.key = std::string(*key);
  d.concatenated = d.key + std::string(wire::kWebSocketGuid);   // 4.2.2 (5.4): key + GUID, as ASCII
  d.sha1 = wire::sha1(std::string_view(d.concatenated));
  d.sha1_hex = hex_bytes(d.sha1);
  d.accept = wire::base64_encode(std::span<const std::uint8_t>(d.sha1));
  if (!response_accept) {
    d.verdict = AcceptDerivation::Verdict::no_response;
  } else {
    d.verdict = d.accept == *response_accept ? AcceptDerivation::Verdict::match : AcceptDerivation::Verdict::mismatch;
  }
  return d;
}

std::optional<std::string> find_header(const std::vector<std::pair<std::string, std::string>>& headers,
                                       std::string_view name) {
  for (const auto& [n, v] : headers) {
    if (iequals(n, name)) return v;
  }
  return std::nullopt;
}

int status_code(std::string_view status_line) {
  const auto sl = wire::parse_status_line(status_line);   // RFC 9112 4, wire's parser
  return sl ? sl->status : 0;
}

FailureExplanation explain_failed_upgrade(const wire::Http& request, const wire::Http& response) {
  FailureExplanation x;
  x.status = status_code(response.start_line);
  std::optional<wire::HttpHead> head = wire::parse_request_line(request.start_line);
  if (!head) {
    x.rule = "RFC 9112 3";
    x.what_was_wrong = "The request line is not \"METHOD target HTTP/version\".";
  } else {
    head->headers = request.headers;
    const wire::UpgradeVerdict v = wire::validate_upgrade_request(*head);
    if (v.rejection) {
      x.rule = v.rejection->rule;
      x.what_was_wrong = v.rejection->reason;
      if (!x.what_was_wrong.empty() && x.what_was_wrong[0] >= 'a' && x.what_was_wrong[0] <= 'z') {
        x.what_was_wrong[0] = static_cast<char>(x.what_was_wrong[0] - 'a' + 'A');   // a sentence for the room
      }
    } else {
      x.rule = "RFC 6455 4.2.2";
      x.what_was_wrong = "The request follows 4.2.1; the server refused it for its own reasons "
                         "(e.g. an unknown path, a refused Origin or subprotocol).";
    }
  }
  if (const auto versions = find_header(response.headers, "Sec-WebSocket-Version")) {
    x.what_to_do = "Retry with Sec-WebSocket-Version: " + *versions + " (the versions this server speaks, 4.4).";
  } else if (x.status == 426) {
    x.what_to_do = "Retry with Sec-WebSocket-Version: 13.";
  } else {
    x.what_to_do = "Fix the request so it follows RFC 6455 4.1, then connect again.";
  }
  return x;
}

UpgradeVerdict upgrade_verdict(const wire::Http& request, const wire::Http* response) {
  const std::string arrow = "\xe2\x86\x92 ";
  if (response == nullptr) return {arrow + "no answer yet", false, false};
  const int status = status_code(response->start_line);
  if (status != 101) return {arrow + std::to_string(status) + ": upgrade refused", false, true};
  const auto key = find_header(request.headers, "Sec-WebSocket-Key");
  const auto accept = find_header(response->headers, "Sec-WebSocket-Accept");
  const auto derived = derive_accept(key ? std::optional<std::string_view>(*key) : std::nullopt,
                                     accept ? std::optional<std::string_view>(*accept) : std::nullopt);
  if (derived.verdict != AcceptDerivation::Verdict::match) return {arrow + "101, but the Accept is wrong", false, true};
  return {arrow + "101: now WebSocket", true, true};
}

}  // namespace viz::teach
