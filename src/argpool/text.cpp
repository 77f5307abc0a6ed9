#include "argpool/text.h"

#include <ostream>

namespace argpool {

Text num(int64_t value) {
  char digits[24];
  char* end = digits + sizeof digits;
  char* p = end;
  // Negated as unsigned: INT64_MIN has no positive int64.
  uint64_t magnitude = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  do {
    *--p = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  if (value < 0) *--p = '-';
  return Text().append(p, static_cast<size_t>(end - p));
}

std::ostream& operator<<(std::ostream& os, const Text& text) { return os << text.c_str(); }

}  // namespace argpool
