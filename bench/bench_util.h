// What every benchmark here measures with: durations, percentiles, and a
// process's resident memory.
#pragma once

#include <malloc.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace catalog::bench {

using Clock = std::chrono::steady_clock;

inline double Micros(Clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

inline double Millis(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// The p-th percentile (0..1) by nearest rank.
inline double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5));
  return v[i];
}

// Resident memory, split into the process's own (anonymous) pages and
// file pages: SQLite maps the database, so pages of it that reads touched
// count as resident file memory, reclaimable page cache.
inline std::string Rss(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line, out;
  while (std::getline(in, line)) {
    for (const char* key : {"VmRSS:", "RssAnon:", "RssFile:"}) {
      if (line.rfind(key, 0) == 0) {
        std::string value = line.substr(std::string(key).size());
        value.erase(0, value.find_first_not_of(" \t"));
        out += (out.empty() ? "" : ", ") + std::string(key) + " " + value;
      }
    }
  }
  return out;
}

// Bytes this process has allocated and not freed (malloc's count, so
// without the allocator's free lists and page rounding).
inline size_t HeapInUse() {
  struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

// One field of /proc/PID/status in kB (or a count, for "Threads:"); -1 if
// absent.
inline long StatusField(pid_t pid, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(key.size()));
  }
  return -1;
}

// CPU time (user + system) a process has used, in seconds.
inline double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t at = text.rfind(')');  // the command name may hold spaces
  if (at == std::string::npos) return -1;
  std::istringstream fields(text.substr(at + 2));
  std::string f;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(f);  // utime, stime
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace catalog::bench
