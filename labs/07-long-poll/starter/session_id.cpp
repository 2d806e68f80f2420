// Lab 7, part 1: session ids and the query of a request target. Your code: write each function below (the
// contract is in ../include/longpoll.h; the tasks are in ../README.md). Each answers nothing until you write
// it, so it scores 0 now.
#include "longpoll.h"

namespace ws {

// TODO(lab 7, task 1): 16 bytes from getrandom(2) (<sys/random.h>) as 32 lowercase hex digits.
std::string new_session_id() { return ""; }

// TODO(lab 7, task 1): exactly 32 characters of 0-9 a-f.
bool is_session_id([[maybe_unused]] std::string_view id) { return false; }

// TODO(lab 7, task 1): the value of `name=` in the part of target after '?', arguments separated by '&'.
std::string query_arg([[maybe_unused]] std::string_view target, [[maybe_unused]] std::string_view name) { return ""; }

}  // namespace ws
