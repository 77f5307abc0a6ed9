// Text: a fixed-capacity string for error messages. Every status and message path must work when
// the wasm heap is full (a hostile caller can fill it), so messages never touch the heap: they are
// built in place, and whatever passes the capacity is cut with "…".
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iosfwd>

namespace argpool {

class Text {
 public:
  static constexpr size_t kCapacity = 600;
  static constexpr size_t npos = static_cast<size_t>(-1);

  Text() { data_[0] = '\0'; }
  Text(const char* s) { data_[0] = '\0'; append(s); }  // NOLINT(google-explicit-constructor): "a" + num(1)
  Text(const Text& other) : size_(other.size_) { std::memcpy(data_, other.data_, size_ + 1); }
  Text& operator=(const Text& other) {
    size_ = other.size_;
    std::memmove(data_, other.data_, size_ + 1);
    return *this;
  }

  Text& append(const char* s, size_t n) {
    const size_t room = kCapacity - size_;
    const size_t take = n < room ? n : room;
    std::memcpy(data_ + size_, s, take);
    size_ += take;
    data_[size_] = '\0';
    if (take < n && kCapacity >= 3) std::memcpy(data_ + kCapacity - 3, "...", 4);
    return *this;
  }
  Text& append(const char* s) { return append(s, std::strlen(s)); }
  Text& append(const Text& t) { return append(t.data_, t.size_); }
  Text& operator+=(const char* s) { return append(s); }
  Text& operator+=(const Text& t) { return append(t); }

  const char* c_str() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t find(const char* needle) const {
    const char* at = std::strstr(data_, needle);
    return at == nullptr ? npos : static_cast<size_t>(at - data_);
  }
  bool operator==(const char* s) const { return std::strcmp(data_, s) == 0; }
  bool operator==(const Text& t) const { return size_ == t.size_ && std::memcmp(data_, t.data_, size_) == 0; }

 private:
  size_t size_ = 0;
  char data_[kCapacity + 1];
};

inline Text operator+(Text a, const char* b) { return a.append(b); }
inline Text operator+(Text a, const Text& b) { return a.append(b); }
inline Text operator+(const char* a, const Text& b) { return Text(a).append(b); }

// Decimal text of an integer.
Text num(int64_t value);

std::ostream& operator<<(std::ostream& os, const Text& text);

}  // namespace argpool
