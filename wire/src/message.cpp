// Message reassembly (RFC 6455 5.4): a message is one frame with FIN set, or
// a text/binary frame with FIN clear, any number of continuation frames and a
// last continuation with FIN set. Control frames (5.5) may be injected between
// fragments; they are delivered at once and leave the open message alone.
// Text is checked for UTF-8 fragment by fragment, so an invalid message fails
// on the frame that breaks it (8.1, "fail fast").
#include "wire/message.h"

namespace wire {

const char* message_error_name(MessageError e) {
  switch (e) {
    case MessageError::continuation_without_start: return "continuation_without_start";
    case MessageError::data_inside_fragmented: return "data_inside_fragmented";
    case MessageError::invalid_utf8: return "invalid_utf8";
    case MessageError::too_big: return "too_big";
    case MessageError::bad_close_payload: return "bad_close_payload";
  }
  return "?";
}

Error fragmentation_error(MessageError e, std::size_t offset) {
  if (e == MessageError::continuation_without_start)
    return {"RFC 6455 5.4", "a continuation frame arrived with no fragmented message to continue", offset};
  return {"RFC 6455 5.4",
          "a new text or binary frame arrived before the fragmented message ended (FIN); "
          "fragments of one message must not be interleaved with another",
          offset};
}

std::optional<MessageError> check_fragment_order(bool& open, Opcode opcode, bool fin) {
  if (is_control(opcode)) return std::nullopt;
  if (opcode == Opcode::continuation) {
    if (!open) return MessageError::continuation_without_start;   // 5.4
  } else if (open) {
    return MessageError::data_inside_fragmented;                  // 5.4
  }
  open = !fin;
  return std::nullopt;
}

MessageAssembler::MessageAssembler(MessageLimits limits) : limits_(limits) {}

void MessageAssembler::reset() {
  open_.reset();
  utf8_.reset();
  failed_.reset();
}

MessageAssembler::Output MessageAssembler::fail(MessageError e, std::size_t offset, const std::string& detail) {
  Output out;
  out.kind = Kind::error;
  out.error_kind = e;
  switch (e) {
    case MessageError::continuation_without_start:
    case MessageError::data_inside_fragmented:
      out.error = fragmentation_error(e, offset);
      out.close_code = 1002;
      break;
    case MessageError::invalid_utf8:
      out.error = {"RFC 6455 8.1", "a text message must be valid UTF-8", offset};
      out.close_code = 1007;
      break;
    case MessageError::too_big:
      out.error = {"RFC 6455 7.4.1", "the message is larger than this endpoint accepts (" +
                                         std::to_string(limits_.max_message_size) + " bytes)",
                   offset};
      out.close_code = 1009;
      break;
    case MessageError::bad_close_payload:
      out.error = {"RFC 6455 5.5.1", "the close frame's payload is invalid", offset};
      out.close_code = 1002;
      break;
  }
  if (!detail.empty()) out.error.reason += ": " + detail;
  failed_ = out;
  return out;
}

MessageAssembler::Output MessageAssembler::feed(const FrameHeader& header, std::span<const std::uint8_t> payload) {
  if (failed_) return *failed_;

  if (is_control(header.opcode)) {
    Output out;
    out.kind = Kind::control;
    out.message.opcode = header.opcode;
    out.message.payload.assign(payload.begin(), payload.end());
    if (header.opcode == Opcode::close) {
      // 5.5.1 / 7.4: the close payload is an optional code and a UTF-8 reason.
      auto parsed = parse_close_payload(payload);
      if (!parsed) {
        Output bad = fail(MessageError::bad_close_payload, parsed.error().offset,
                          parsed.error().rule + ": " + parsed.error().reason);
        bad.close_code = close_code_for_close_payload_error(parsed.error());
        failed_ = bad;
        return bad;
      }
      out.close = std::move(parsed).value();
    }
    return out;
  }

  if (header.opcode == Opcode::continuation) {
    // 5.4: a continuation needs an open fragmented message.
    if (!open_) return fail(MessageError::continuation_without_start, 0);
  } else {
    // 5.4: a message's fragments MUST NOT be interleaved with another data frame.
    if (open_) return fail(MessageError::data_inside_fragmented, open_->payload.size());
    open_ = Message{header.opcode, {}, header.rsv1, 0};
    utf8_.reset();
  }

  Message& m = *open_;
  // 7.4.1 (1009): bound what is kept before keeping it.
  if (payload.size() > limits_.max_message_size - m.payload.size())
    return fail(MessageError::too_big, m.payload.size(),
                std::to_string(m.payload.size() + payload.size()) + " bytes so far");
  // 8.1: text is checked as it arrives (uncompressed only: RFC 7692 inflates first).
  const bool check_text = limits_.check_utf8 && m.opcode == Opcode::text && !m.compressed;
  if (check_text) {
    Utf8Check c = utf8_.feed(payload);
    if (c.ok && header.fin) c = utf8_.finish();
    if (!c.ok) return fail(MessageError::invalid_utf8, c.offset);
  }
  m.payload.insert(m.payload.end(), payload.begin(), payload.end());
  ++m.frames;
  if (!header.fin) return Output{};

  Output out;
  out.kind = Kind::message;
  out.message = std::move(m);
  open_.reset();
  return out;
}

}  // namespace wire
