// wirelab-inspect: look inside the bytes of a WebSocket conversation.
// The shell only: parse the command line (CLI11), call one subcommand
// (accept.cpp, frame.cpp, capture.cpp), return its exit code.
#include <CLI/CLI.hpp>

#include <iostream>

#include "commands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "wirelab-inspect: look inside WebSocket bytes (RFC 6455), one field at a time.\n"
      "Each subcommand explains what it prints and which RFC section says so;\n"
      "add --json to any of them for a script-friendly answer."};
  app.require_subcommand(1);
  app.footer(
      "Examples (the values from RFC 6455 itself):\n"
      "  wirelab-inspect accept dGhlIHNhbXBsZSBub25jZQ==          -> s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\n"
      "  wirelab-inspect accept --explain dGhlIHNhbXBsZSBub25jZQ==  (key + GUID, SHA-1, base64)\n"
      "  wirelab-inspect frame 818537fa213d7f9f4d5158               (a masked \"Hello\" from a client)\n"
      "  wirelab-inspect frame 81 05 48 65 6c 6c 6f                 (the same, unmasked, from a server)\n"
      "  wirelab-inspect frame 010348656c 80026c6f                  (\"Hel\" + \"lo\" in two fragments)\n"
      "  wirelab-inspect frame 82 7f 00 00                          (a prefix: says what is still missing)\n"
      "  wirelab-inspect capture demo.jsonl --pcapng demo.pcapng    (list a capture, open it in Wireshark)\n"
      "  wirelab-inspect capture demo.jsonl --stats                 (bytes per message, header sizes)\n"
      "Exit codes: 0 ok, 1 the input breaks an RFC rule, 2 usage or unreadable input, 3 frame incomplete.");

  inspect::AcceptOptions accept;
  auto* accept_cmd = app.add_subcommand(
      "accept",
      "Compute Sec-WebSocket-Accept from a Sec-WebSocket-Key (RFC 6455 4.2.2): the value a server puts in its\n"
      "101 response to prove it read the client's handshake.");
  accept_cmd->add_option("key", accept.key, "the client's Sec-WebSocket-Key, as sent (24 base64 characters)")
      ->required();
  accept_cmd->add_flag("--explain", accept.explain, "show each step: key + GUID, SHA-1, base64");
  accept_cmd->add_flag("--json", accept.json, "print one JSON object with every step");

  inspect::FrameOptions frame;
  auto* frame_cmd = app.add_subcommand(
      "frame",
      "Explain WebSocket frame bytes field by field (RFC 6455 5.2): FIN, RSV1-3, opcode, MASK, payload length\n"
      "and its form, masking key, the payload masked and unmasked, close codes. Several frames in a row are\n"
      "explained one after another; a prefix says how many bytes are still missing; a broken rule is named.");
  frame_cmd->add_option("hex", frame.hex, "frame bytes in hex; spaces, ':' and 0x prefixes are allowed")
      ->required();
  frame_cmd
      ->add_option("--from", frame.from,
                   "who sent the bytes: client (must be masked), server (must not be), or auto (masked = client)")
      ->capture_default_str();
  frame_cmd->add_flag("--deflate", frame.deflate, "permessage-deflate was negotiated: RSV1 is allowed (RFC 7692)");
  frame_cmd->add_flag("--full", frame.full, "show whole payloads (default: the first 64 bytes)");
  frame_cmd->add_flag("--json", frame.json, "print one JSON object: every field of every frame");

  inspect::CaptureOptions capture;
  auto* capture_cmd = app.add_subcommand(
      "capture",
      "List a wirelab capture file (JSON lines of mirror events, `hello` first; see docs/mirror-protocol.md):\n"
      "one line per event with seq, time, connection, direction (-> client to server, <- server to client),\n"
      "kind and a summary. Message text is never printed, only opcodes and lengths.");
  capture_cmd->add_option("file", capture.file, "the capture file (wirelab-relay --capture FILE writes one)")
      ->required();
  capture_cmd->add_option("--pcapng", capture.pcapng_out,
                          "also write the capture as pcapng for Wireshark / tshark (synthesized TCP on loopback)");
  capture_cmd->add_flag("--json", capture.json, "print one JSON object per event instead of the table");
  capture_cmd->add_flag("--stats", capture.stats,
                        "instead of the events: HTTP head and frame header sizes, the Upgrade, and the wire bytes\n"
                        "one chat message costs on WebSocket and on long-poll (send leg + delivery leg)");

  CLI11_PARSE(app, argc, argv);

  if (*accept_cmd) return inspect::run_accept(accept, std::cout, std::cerr);
  if (*frame_cmd) return inspect::run_frame(frame, std::cout, std::cerr);
  if (*capture_cmd) return inspect::run_capture(capture, std::cout, std::cerr);
  return inspect::kUsage;
}
