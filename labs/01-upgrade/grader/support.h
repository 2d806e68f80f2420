// Lab 1 grader support: how lab 1's values print in a transcript, request builders, and the
// grader's own reference (OpenSSL's SHA-1 and base64), used to compute expected answers.
#pragma once

#include "describe.h"
#include "grade/grade.h"
#include "upgrade.h"

#include <string>
#include <utility>
#include <vector>

namespace lab1 {

using Fields = std::vector<std::pair<std::string, std::string>>;

// The fields of a good upgrade request (RFC 6455 1.2's example, on our relay's port).
Fields good_fields();
// A request head: request-line, fields, blank line.
std::string head(const Fields& fields, const std::string& request_line = "GET /chat HTTP/1.1");
// The same request as the struct answer_upgrade takes (built by the grader, not by your parser).
ws::Request request(const Fields& fields, const std::string& method = "GET",
                    const std::string& version = "HTTP/1.1");
Fields with(Fields fields, const std::string& name, const std::string& value);  // replaces or adds
Fields without(Fields fields, const std::string& name);

std::string reference_base64(const std::string& bytes);
std::string reference_accept(const std::string& key);
std::string random_key();                                      // base64 of 16 random bytes
std::string random_bytes(std::size_t n);
// A symptom hint if `actual` is a known wrong Sec-WebSocket-Accept for `key` (no GUID, hex digest, ...).
void diagnose_accept(const std::string& key, const std::string& actual);
// The value of a response header (name compared without regard to case), or "(none)".
std::string response_header(const ws::Response& r, const std::string& name);

}  // namespace lab1
