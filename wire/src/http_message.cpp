// One direction's HTTP/1.1 message parser (RFC 9112): start line, field
// lines, then a body delimited as the splitter decided (length, chunked with
// trailers, until close, or none). Everything it cannot parse becomes Raw.
#include "http_message.h"

#include <algorithm>
#include <cstring>

#include "wire/hex.h"

namespace wire::detail {

namespace {

constexpr std::size_t kMaxChunkLine = 1024;   // chunk-size line with extensions

std::uint64_t to_u64(std::size_t n) { return static_cast<std::uint64_t>(n); }

}  // namespace

MessageParser::MessageParser(Direction dir, HttpOptions options, Decider* decider)
    : dir_(dir), options_(options), decider_(decider) {}

// Appends bytes up to and including the next LF to line_; true when the line
// is complete. RFC 9112 2.2: a recipient MAY take a bare LF as a line end.
bool MessageParser::take_line(std::span<const std::uint8_t> in, std::size_t& i) {
  const std::uint8_t* begin = in.data() + i;
  const auto* lf = static_cast<const std::uint8_t*>(std::memchr(begin, '\n', in.size() - i));
  const std::size_t n = lf ? static_cast<std::size_t>(lf - begin) + 1 : in.size() - i;
  line_.insert(line_.end(), begin, begin + n);
  i += n;
  offset_ += to_u64(n);
  return lf != nullptr;
}

std::string MessageParser::line_text() const {
  std::size_t n = line_.size();
  if (n > 0 && line_[n - 1] == '\n') --n;
  if (n > 0 && line_[n - 1] == '\r') --n;
  return std::string(line_.begin(), line_.begin() + static_cast<std::ptrdiff_t>(n));
}

void MessageParser::emit_raw(HttpFeed& out, std::uint64_t offset, Bytes bytes, std::string why) {
  if (bytes.empty()) return;
  Raw r;
  r.dir = dir_;
  r.offset = offset;
  r.bytes = std::move(bytes);
  r.why = std::move(why);
  out.units.emplace_back(std::move(r));
}

void MessageParser::flush_junk(HttpFeed& out) {
  if (junk_.empty()) return;
  emit_raw(out, junk_offset_, std::move(junk_), junk_why_);
  junk_.clear();
  junk_why_.clear();
}

void MessageParser::reset_message() {
  msg_.clear();
  line_.clear();
  head_ = Head{};
  framing_ = Framing{};
  body_len_ = body_kept_ = remaining_ = 0;
  trailer_bytes_ = 0;
  truncated_ = false;
}

const RequestLimits* MessageParser::rules() const {
  return dir_ == Direction::c2s && options_.request_rules ? &*options_.request_rules : nullptr;
}

// request_rules: the request is refused. Its complete head becomes an Http
// unit (or the bytes read so far a Raw one), the breach says where it began,
// and this direction stops: the caller answers with refusal.status and closes.
void MessageParser::refuse(HttpFeed& out, RequestRefusal refusal, bool whole_head) {
  flush_junk(out);
  const std::uint64_t at = msg_.empty() ? offset_ - to_u64(line_.size()) : msg_offset_;
  std::string why = refusal.rule + ": " + refusal.reason;
  const std::size_t before = out.units.size();
  if (whole_head) {
    framing_ = Framing{};
    framing_.after = After::stop;
    framing_.stop_why = why;
    complete_message(out);
  } else {
    fail_message(out, why);
  }
  const std::size_t index = out.units.size() > before ? out.units.size() - 1 : out.units.size();
  out.breaches.push_back(HttpBreach{index, at, std::move(refusal)});
  state_ = State::stopped;
  stop_why_ = std::move(why);
}

std::uint64_t MessageParser::settled() const {
  switch (state_) {
    case State::start_line: return offset_ - to_u64(line_.size() + junk_.size());
    case State::header_lines: return msg_offset_;
    default: return offset_;   // hold: held_ is not counted in offset_ yet
  }
}

void MessageParser::fail_message(HttpFeed& out, std::string why) {
  // Without a message started, the bytes are just the line being read.
  const std::uint64_t at = msg_.empty() ? offset_ - to_u64(line_.size()) : msg_offset_;
  Bytes bytes = std::move(msg_);
  // A body cut at max_body_kept is a prefix; the line after it would not follow it.
  const bool cut = truncated_;
  if (!cut) bytes.insert(bytes.end(), line_.begin(), line_.end());
  reset_message();
  emit_raw(out, at, std::move(bytes),
           why + (cut ? " (only the first bytes kept)" : "") + "; decoding of this direction stopped");
  state_ = State::stopped;
  stop_why_ = why;
}

void MessageParser::stop_now(HttpFeed& out, std::string why) {
  flush_junk(out);
  if (state_ == State::hold) {
    const std::uint64_t at = offset_;
    offset_ += to_u64(held_.size());
    emit_raw(out, at, std::move(held_), why);
    held_.clear();
  } else if (!msg_.empty() || !line_.empty()) {
    fail_message(out, why);
  }
  state_ = State::stopped;
  stop_why_ = why;
}

void MessageParser::keep_body(std::span<const std::uint8_t> bytes) {
  body_len_ += to_u64(bytes.size());
  const std::uint64_t room = options_.max_body_kept > body_kept_ ? options_.max_body_kept - body_kept_ : 0;
  const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(room, bytes.size()));
  msg_.insert(msg_.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
  body_kept_ += to_u64(n);
  if (n < bytes.size()) truncated_ = true;
}

void MessageParser::complete_message(HttpFeed& out) {
  Http h;
  h.dir = dir_;
  h.offset = msg_offset_;
  h.start_line = std::move(head_.start_line);
  h.headers = std::move(head_.headers);
  h.body_len = body_len_;
  h.bytes = std::move(msg_);
  h.truncated = truncated_;
  out.units.emplace_back(std::move(h));
  const Framing framing = std::move(framing_);
  reset_message();
  switch (framing.after) {
    case After::next: state_ = State::start_line; break;
    case After::hold: state_ = State::hold; break;
    case After::switch_to_websocket: state_ = State::switched; break;
    case After::stop:
      state_ = State::stopped;
      stop_why_ = framing.stop_why;
      break;
  }
}

void MessageParser::on_start_line(HttpFeed& out) {
  const std::string text = line_text();
  const bool ok = dir_ == Direction::c2s ? is_request_line(text) : parse_status_line(text).has_value();
  if (!ok && !text.empty() && rules() != nullptr) return refuse(out, not_a_request_line(text), false);
  if (!ok) {
    // RFC 9112 2.2: skip what is not a start line, up to the next line that is one.
    if (junk_.empty()) {
      junk_offset_ = offset_ - to_u64(line_.size());
      junk_why_ = text.empty() ? "RFC 9112 2.2: empty line before a start line (ignored)"
                  : dir_ == Direction::c2s
                      ? "RFC 9112 3: not a request line; skipped to the next line that looks like one"
                      : "RFC 9112 4: not a status line; skipped to the next line that looks like one";
    }
    junk_.insert(junk_.end(), line_.begin(), line_.end());
    line_.clear();
    return;
  }
  flush_junk(out);
  msg_offset_ = offset_ - to_u64(line_.size());
  msg_ = std::move(line_);
  line_.clear();
  head_.start_line = text;
  state_ = State::header_lines;
}

void MessageParser::on_header_line(HttpFeed& out) {
  msg_.insert(msg_.end(), line_.begin(), line_.end());
  const std::string text = line_text();
  line_.clear();
  if (text.empty()) {
    on_head_complete(out);
    return;
  }
  // RFC 9112 5.2: obsolete line folding (a line starting with SP or HTAB) is rejected.
  auto field = (text[0] == ' ' || text[0] == '\t') ? std::nullopt : parse_field_line(text);
  if (!field && rules() != nullptr) return refuse(out, not_a_field_line(text), false);
  if (!field) {
    // A head we cannot read: report it and look for the next start line.
    Bytes bytes = std::move(msg_);
    const std::uint64_t at = msg_offset_;
    reset_message();
    emit_raw(out, at, std::move(bytes),
             "RFC 9112 5: not a field line (name \":\" value, no space before the colon, no folding): \"" +
                 text.substr(0, 80) + "\"; skipped to the next start line");
    state_ = State::start_line;
    return;
  }
  head_.headers.push_back(std::move(*field));
  if (const RequestLimits* r = rules(); r != nullptr && head_.headers.size() > r->max_fields)
    refuse(out, too_many_fields(*r), false);
}

void MessageParser::on_head_complete(HttpFeed& out) {
  framing_ = decider_->on_head(dir_, head_);
  if (framing_.refusal) return refuse(out, std::move(*framing_.refusal), true);
  if (!framing_.error.empty() && rules() != nullptr) {
    const auto colon = framing_.error.find(": ");   // "RFC 9112 6.3: ..."
    return refuse(out, RequestRefusal{400, framing_.error.substr(0, colon), framing_.error.substr(colon + 2)}, true);
  }
  if (!framing_.error.empty()) {
    fail_message(out, framing_.error);
    return;
  }
  switch (framing_.body) {
    case BodyKind::none: complete_message(out); break;
    case BodyKind::length:
      remaining_ = framing_.length;
      if (remaining_ == 0) complete_message(out);
      else state_ = State::body_length;
      break;
    case BodyKind::chunked: state_ = State::chunk_size; break;
    case BodyKind::until_close: state_ = State::body_until_close; break;
  }
}

void MessageParser::on_chunk_size_line(HttpFeed& out) {
  // RFC 9112 7.1: chunk-size [ chunk-ext ] CRLF, chunk-size = 1*HEXDIG
  const std::string text = line_text();
  keep_body(line_);
  line_.clear();
  std::uint64_t size = 0;
  std::size_t digits = 0;
  for (; digits < text.size(); ++digits) {
    const char c = text[digits];
    const int v = hex_digit(c);
    if (v < 0) break;
    if (size >> 58) return fail_message(out, "RFC 9112 7.1: chunk size too large");
    size = size * 16 + static_cast<std::uint64_t>(v);
  }
  std::size_t rest = digits;
  while (rest < text.size() && (text[rest] == ' ' || text[rest] == '\t')) ++rest;
  if (digits == 0 || (rest < text.size() && text[rest] != ';'))
    return fail_message(out, "RFC 9112 7.1: not a chunk-size line: \"" + text.substr(0, 40) + "\"");
  if (size == 0) {
    state_ = State::trailer_lines;   // last-chunk; then trailer section and an empty line
  } else {
    remaining_ = size;
    state_ = State::chunk_data;
  }
}

void MessageParser::on_trailer_line(HttpFeed& out) {
  const std::string text = line_text();
  trailer_bytes_ += line_.size();
  keep_body(line_);
  line_.clear();
  if (text.empty()) {
    complete_message(out);
    return;
  }
  // RFC 9112 7.1.2: trailer fields have the form of header fields.
  auto field = parse_field_line(text);
  if (!field) return fail_message(out, "RFC 9112 7.1.2: not a trailer field line");
  head_.headers.push_back(std::move(*field));
}

std::size_t MessageParser::feed(std::span<const std::uint8_t> in, HttpFeed& out) {
  std::size_t i = 0;
  while (i < in.size()) {
    switch (state_) {
      case State::start_line:
        if (take_line(in, i)) on_start_line(out);
        else if (rules() != nullptr && line_.size() > rules()->max_head) refuse(out, request_line_too_long(*rules()), false);
        else if (line_.size() > options_.max_head) {
          flush_junk(out);
          fail_message(out, "RFC 9112 3: a start line longer than " + std::to_string(options_.max_head) + " bytes");
        }
        break;
      case State::header_lines:
        if (take_line(in, i)) on_header_line(out);
        if (state_ == State::header_lines && rules() != nullptr && msg_.size() + line_.size() > rules()->max_head)
          refuse(out, head_too_large(*rules()), false);
        if (state_ == State::header_lines && msg_.size() + line_.size() > options_.max_head)
          fail_message(out, "RFC 9112 2: an HTTP head longer than " + std::to_string(options_.max_head) + " bytes");
        break;
      case State::body_length:
      case State::chunk_data: {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, in.size() - i));
        keep_body(in.subspan(i, n));
        i += n;
        offset_ += to_u64(n);
        remaining_ -= to_u64(n);
        if (remaining_ == 0) {
          if (state_ == State::body_length) complete_message(out);
          else state_ = State::chunk_data_end;
        }
        break;
      }
      case State::chunk_size:
        if (take_line(in, i)) on_chunk_size_line(out);
        else if (line_.size() > kMaxChunkLine) fail_message(out, "RFC 9112 7.1: chunk-size line too long");
        break;
      case State::chunk_data_end: {
        // RFC 9112 7.1: chunk-data is followed by CRLF.
        const bool complete = take_line(in, i);
        if (complete && line_text().empty()) {
          keep_body(line_);
          line_.clear();
          state_ = State::chunk_size;
        } else if (complete || line_.size() > 2) {
          fail_message(out, "RFC 9112 7.1: chunk data not followed by CRLF");
        }
        break;
      }
      case State::trailer_lines:
        if (take_line(in, i)) on_trailer_line(out);
        if (state_ == State::trailer_lines && trailer_bytes_ + line_.size() > options_.max_head)
          fail_message(out, "RFC 9112 7.1.2: trailer section too long");
        break;
      case State::body_until_close:
        keep_body(in.subspan(i));
        offset_ += to_u64(in.size() - i);
        i = in.size();
        break;
      case State::hold:
        held_.insert(held_.end(), in.begin() + static_cast<std::ptrdiff_t>(i), in.end());
        i = in.size();
        if (held_.size() > options_.max_head && rules() != nullptr) {
          // A server cannot tell what it would have answered: close without one.
          const std::uint64_t at = offset_;
          stop_now(out, "RFC 6455 4.1: more than " + std::to_string(options_.max_head) +
                            " bytes sent after an upgrade request before its answer");
          out.breaches.push_back(HttpBreach{out.units.size() - 1, at,
                                            RequestRefusal{0, "RFC 6455 4.1", "too many bytes sent before the answer to "
                                                                              "the upgrade request"}});
        } else if (held_.size() > options_.max_head)
          stop_now(out, "RFC 6455 4.1: more than " + std::to_string(options_.max_head) +
                            " bytes sent after an upgrade request before its answer; decoding of this direction stopped");
        break;
      case State::switched:
        return i;
      case State::stopped:
        emit_raw(out, offset_, Bytes(in.begin() + static_cast<std::ptrdiff_t>(i), in.end()),
                 "decoding of this direction stopped: " + stop_why_);
        offset_ += to_u64(in.size() - i);
        i = in.size();
        break;
    }
  }
  if (state_ == State::start_line) flush_junk(out);
  return i;
}

void MessageParser::finish(HttpFeed& out) {
  flush_junk(out);
  switch (state_) {
    case State::start_line:
      if (!line_.empty()) {
        fail_message(out, "RFC 9112 8: the connection closed in the middle of a start line");
      }
      break;
    case State::body_until_close: complete_message(out); break;   // RFC 9112 6.3 item 8
    case State::header_lines:
    case State::trailer_lines:
    case State::body_length:
    case State::chunk_size:
    case State::chunk_data:
    case State::chunk_data_end:
      fail_message(out, "RFC 9112 8: the connection closed before the end of the message (incomplete)");
      break;
    case State::hold:
      stop_now(out, "RFC 6455 4.1: the connection closed before the upgrade request was answered");
      break;
    case State::switched:
    case State::stopped:
      break;
  }
  if (state_ != State::switched) {
    state_ = State::stopped;
    if (stop_why_.empty()) stop_why_ = "the connection closed in this direction";
  }
}

bool MessageParser::switch_to_websocket(HttpFeed& out) {
  if (state_ == State::hold || (state_ == State::start_line && line_.empty() && junk_.empty())) {
    if (!held_.empty()) out.websocket.push_back(WebSocketBytes{dir_, offset_, std::move(held_)});
    held_.clear();
    state_ = State::switched;
    return true;
  }
  return false;
}

void MessageParser::release_hold(HttpFeed& out) {
  if (state_ != State::hold) return;
  state_ = State::start_line;
  Bytes held = std::move(held_);
  held_.clear();
  feed(held, out);
}

}  // namespace wire::detail
