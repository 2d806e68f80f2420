// StreamDecoder: HttpSplitter until a 101, then one frame reader per
// direction built on FrameHeaderDecoder (frame.h). It never parses a frame
// header itself: it only collects the payload bytes the header announced.
#include "wire/stream_decoder.h"

#include <algorithm>
#include <optional>

#include "wire/close_code.h"
#include "wire/frame.h"
#include "wire/handshake.h"
#include "wire/http.h"
#include "wire/mask.h"
#include "wire/message.h"

namespace wire {

namespace {

// RFC 7692 6: permessage-deflate, once negotiated, defines RSV1.
bool negotiates_rsv1(const std::string& extensions) {
  if (extensions.empty()) return false;
  auto list = parse_extension_list(extensions);
  if (!list) return false;
  return std::any_of(list->begin(), list->end(), [](const Extension& e) { return e.name == "permessage-deflate"; });
}

// One direction's WebSocket frames: header through FrameHeaderDecoder, then
// payload_len bytes, of which at most max_payload_kept are kept.
class FrameReader {
 public:
  enum class State : std::uint8_t { header, payload, stopped };

  FrameReader(Direction dir, std::size_t max_payload_kept) : dir_(dir), max_kept_(max_payload_kept) {}

  void start(std::uint64_t offset, bool rsv1_negotiated) {
    offset_ = offset;
    rules_.from_client = dir_ == Direction::c2s;
    rules_.rsv1_negotiated = rsv1_negotiated;
    rules_.stop_on_rule_break = false;   // a tap reports every frame, breaches included
    decoder_ = FrameHeaderDecoder(rules_);
    state_ = State::header;
    fragmented_open_ = false;
  }

  void feed(std::span<const std::uint8_t> in, FeedResult& out) {
    std::size_t i = 0;
    while (i < in.size()) {
      switch (state_) {
        case State::header: {
          const auto step = decoder_.feed(in.subspan(i));
          header_bytes_.insert(header_bytes_.end(), in.begin() + static_cast<std::ptrdiff_t>(i),
                               in.begin() + static_cast<std::ptrdiff_t>(i + step.consumed));
          i += step.consumed;
          if (step.status == FrameHeaderDecoder::Status::error) {
            stop(out, frame_error(*step.error, static_cast<std::size_t>(offset_) + step.error_at));
          } else if (step.status == FrameHeaderDecoder::Status::done) {
            header_ = step.header;
            frame_offset_ = offset_;
            payload_settles_ = judged_on_header();
            remaining_ = header_.payload_len;
            offset_ += header_bytes_.size();
            state_ = State::payload;
            if (remaining_ == 0) emit(out);
          }
          break;
        }
        case State::payload: {
          const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, in.size() - i));
          const std::size_t room = max_kept_ > payload_.size() ? max_kept_ - payload_.size() : 0;
          const std::size_t keep = std::min(n, room);
          payload_.insert(payload_.end(), in.begin() + static_cast<std::ptrdiff_t>(i),
                          in.begin() + static_cast<std::ptrdiff_t>(i + keep));
          i += n;
          offset_ += n;
          remaining_ -= n;
          if (remaining_ == 0) emit(out);
          break;
        }
        case State::stopped:
          emit_raw(out, offset_, in.subspan(i), "decoding of this direction stopped: " + stop_why_);
          offset_ += in.size() - i;
          i = in.size();
          break;
      }
    }
  }

  // The direction ended: a frame cut short becomes Raw.
  void finish(FeedResult& out) {
    if (state_ == State::stopped) return;
    const std::uint64_t at = state_ == State::payload ? frame_offset_ : offset_;
    if (state_ == State::header) offset_ += header_bytes_.size();   // later bytes follow these
    Bytes bytes = std::move(header_bytes_);
    bytes.insert(bytes.end(), payload_.begin(), payload_.end());
    emit_raw(out, at, bytes, "RFC 6455 5.2: the connection closed in the middle of a frame");
    settled_at_stop_ = at;
    header_bytes_.clear();
    payload_.clear();
    state_ = State::stopped;
    stop_why_ = "the connection closed in this direction";
  }

  std::size_t pending() const { return header_bytes_.size() + payload_.size(); }
  bool stopped() const { return state_ == State::stopped; }

  // Stream offset up to which the bytes are judged: a header only once whole
  // and within the rules, a data frame's payload then as it comes, a control
  // frame only whole (its payload has rules too: 5.5.1's close body).
  std::uint64_t settled() const {
    switch (state_) {
      case State::header: return offset_;   // offset_ is still the frame's first byte
      case State::payload: return payload_settles_ ? offset_ : frame_offset_;
      case State::stopped: return settled_at_stop_;
    }
    return offset_;
  }

 private:
  void emit(FeedResult& out) {
    Frame f;
    f.dir = dir_;
    f.offset = frame_offset_;
    f.fin = header_.fin;
    f.rsv = static_cast<std::uint8_t>((header_.rsv1 ? 4 : 0) | (header_.rsv2 ? 2 : 0) | (header_.rsv3 ? 1 : 0));
    f.opcode = static_cast<std::uint8_t>(header_.opcode);
    f.masked = header_.masked;
    if (header_.masked) {
      const auto& k = header_.masking_key;
      f.mask_key = (std::uint32_t{k[0]} << 24) | (std::uint32_t{k[1]} << 16) | (std::uint32_t{k[2]} << 8) | k[3];
    }
    f.payload_len = header_.payload_len;
    f.header = std::move(header_bytes_);
    f.payload = std::move(payload_);
    f.truncated = f.payload.size() < f.payload_len;
    // 5.1, 5.2, 5.5: the frame is reported, then the rule it breaks.
    if (auto e = check_header(header_, rules_)) {
      out.breaches.push_back(FrameBreach{out.units.size(), frame_error(*e, static_cast<std::size_t>(frame_offset_) +
                                                                               error_byte(*e)),
                                         close_code_for(*e)});
    } else if (auto m = check_fragment_order(fragmented_open_, header_.opcode, header_.fin)) {
      // 5.4: the byte that names the opcode is the frame's first.
      out.breaches.push_back(
          FrameBreach{out.units.size(), fragmentation_error(*m, static_cast<std::size_t>(frame_offset_)), 1002});
    } else if (header_.opcode == Opcode::close && !f.truncated) {
      // 5.5.1, 7.4, 8.1: a close body is empty, or a code that may be sent plus a UTF-8 reason.
      Bytes body = f.payload;
      if (header_.masked) apply_mask(body, header_.masking_key);
      auto parsed = parse_close_payload(body);
      if (!parsed.ok()) {
        Error bad = parsed.error();
        bad.offset += static_cast<std::size_t>(frame_offset_) + f.header.size();
        out.breaches.push_back(FrameBreach{out.units.size(), bad, close_code_for_close_payload_error(bad)});
      }
    }
    out.units.emplace_back(std::move(f));
    header_bytes_.clear();
    payload_.clear();
    decoder_.reset();
    state_ = State::header;
  }

  // 5.2: a structural error (a 64-bit length with its top bit set) leaves no
  // way to find the next frame: the bytes read so far become Raw, then stop.
  // It is a breach too (1002), reported on that Raw unit: 7.1.7 says the
  // endpoint that fails the connection sends a Close first, not a bare drop.
  void stop(FeedResult& out, const Error& error) {
    stop_why_ = error.rule + ": " + error.reason;
    const std::uint64_t at = offset_;
    settled_at_stop_ = at;
    if (!header_bytes_.empty()) out.breaches.push_back(FrameBreach{out.units.size(), error, 1002});
    offset_ += header_bytes_.size();
    emit_raw(out, at, header_bytes_, stop_why_ + "; decoding of this direction stopped");
    header_bytes_.clear();
    state_ = State::stopped;
  }

  // Raw units are rare, so they copy from a span; building one from a
  // temporary vector made GCC 12 -O2 warn falsely (-Wfree-nonheap-object).
  void emit_raw(FeedResult& out, std::uint64_t offset, std::span<const std::uint8_t> bytes, std::string why) {
    if (bytes.empty()) return;
    Raw r;
    r.dir = dir_;
    r.offset = offset;
    r.bytes.assign(bytes.begin(), bytes.end());
    r.why = std::move(why);
    out.units.emplace_back(std::move(r));
  }


  // A data frame's payload may go on before the frame is whole once its
  // header broke no rule (5.2-5.5, and 5.4's order, without moving it on).
  bool judged_on_header() const {
    bool open = fragmented_open_;
    return !is_control(header_.opcode) && !check_header(header_, rules_) &&
           !check_fragment_order(open, header_.opcode, header_.fin);
  }

  Direction dir_;
  std::size_t max_kept_;
  FrameRules rules_;
  FrameHeaderDecoder decoder_;
  State state_ = State::header;
  std::uint64_t offset_ = 0;        // stream offset of the next byte
  std::uint64_t frame_offset_ = 0;  // offset of the current frame's first byte
  FrameHeader header_;
  Bytes header_bytes_;
  Bytes payload_;
  std::uint64_t remaining_ = 0;
  std::string stop_why_;
  bool fragmented_open_ = false;    // 5.4: a data frame without FIN went by, its last continuation not yet
  bool payload_settles_ = false;    // the current frame's payload is judged as it comes (judged_on_header)
  std::uint64_t settled_at_stop_ = 0;
};

}  // namespace

struct StreamDecoder::Impl {
  explicit Impl(StreamDecoderOptions o)
      : options(o),
        http(HttpOptions{o.max_http_head, o.max_payload_kept, o.request_rules}),
        c2s(Direction::c2s, o.max_payload_kept),
        s2c(Direction::s2c, o.max_payload_kept) {}

  StreamDecoderOptions options;
  // Until both directions are WebSocket. Then it is freed: its parsers were
  // about 2 KB of every tapped connection for the rest of its life.
  std::optional<HttpSplitter> http;
  FrameReader c2s, s2c;
  std::string extensions;

  FrameReader& frames(Direction d) { return d == Direction::c2s ? c2s : s2c; }
  HttpPhase phase(Direction d) const { return http ? http->phase(d) : HttpPhase::websocket; }
  void release_http_once_both_switched() {
    if (http && started[0] && started[1]) http.reset();
  }

  // HTTP units first, then the frames of any direction that just switched.
  void take(HttpFeed&& h, FeedResult& out) {
    for (auto& b : h.breaches) {
      b.unit_index += out.units.size();
      out.refused.push_back(std::move(b));
    }
    for (auto& u : h.units) {
      std::visit([&out](auto&& unit) { out.units.emplace_back(std::move(unit)); }, std::move(u));
    }
    for (Direction d : {Direction::c2s, Direction::s2c}) {
      if (started[index(d)] || http->phase(d) != HttpPhase::websocket) continue;
      extensions = http->extensions();
      frames(d).start(http->offset(d), negotiates_rsv1(extensions));
      started[index(d)] = true;
    }
    for (auto& ws : h.websocket) frames(ws.dir).feed(ws.bytes, out);
  }
  static std::size_t index(Direction d) { return d == Direction::c2s ? 0 : 1; }
  bool started[2] = {false, false};
  std::uint64_t fed[2] = {0, 0};
};

StreamDecoder::StreamDecoder(StreamDecoderOptions options) : impl_(std::make_unique<Impl>(options)) {}
StreamDecoder::~StreamDecoder() = default;
StreamDecoder::StreamDecoder(StreamDecoder&&) noexcept = default;
StreamDecoder& StreamDecoder::operator=(StreamDecoder&&) noexcept = default;

FeedResult StreamDecoder::feed(Direction dir, std::span<const std::uint8_t> bytes) {
  FeedResult out;
  impl_->fed[Impl::index(dir)] += bytes.size();
  if (impl_->phase(dir) == HttpPhase::websocket) {
    impl_->frames(dir).feed(bytes, out);
  } else {
    impl_->take(impl_->http->feed(dir, bytes), out);
    impl_->release_http_once_both_switched();
  }
  return out;
}

FeedResult StreamDecoder::finish(Direction dir) {
  FeedResult out;
  if (impl_->phase(dir) == HttpPhase::websocket) {
    impl_->frames(dir).finish(out);
  } else {
    impl_->take(impl_->http->finish(dir), out);
    impl_->release_http_once_both_switched();
  }
  return out;
}

StreamDecoder::Phase StreamDecoder::phase(Direction dir) const {
  switch (impl_->phase(dir)) {
    case HttpPhase::http: return Phase::http;
    case HttpPhase::websocket: return impl_->frames(dir).stopped() ? Phase::stopped : Phase::websocket;
    case HttpPhase::stopped: return Phase::stopped;
  }
  return Phase::stopped;
}

const std::string& StreamDecoder::extensions() const { return impl_->extensions; }

std::uint64_t StreamDecoder::settled(Direction dir) const {
  switch (impl_->phase(dir)) {
    case HttpPhase::http: return impl_->http->settled(dir);
    case HttpPhase::websocket: return impl_->frames(dir).settled();
    case HttpPhase::stopped: break;
  }
  return impl_->fed[Impl::index(dir)];
}

std::size_t StreamDecoder::pending(Direction dir) const {
  return impl_->phase(dir) == HttpPhase::websocket ? impl_->frames(dir).pending() : impl_->http->pending(dir);
}

}  // namespace wire
