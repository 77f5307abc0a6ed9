// A main() for the fuzz targets without libFuzzer (coverage builds, ARGPOOL_FUZZ_COVERAGE=ON): runs
// LLVMFuzzerTestOneInput once on every file given, directories expanded (sorted, not recursive),
// each in a child process so that an input that fails a check does not stop the others (profiles
// are merged across processes when LLVM_PROFILE_FILE contains %m). Exits 1 if any input failed.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

bool is_directory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

void collect(const std::string& path, std::vector<std::string>* files) {
  if (!is_directory(path)) {
    files->push_back(path);
    return;
  }
  std::vector<std::string> entries;
  if (DIR* dir = opendir(path.c_str())) {
    while (const dirent* e = readdir(dir)) {
      const std::string name = e->d_name;
      if (name == "." || name == ".." || name[0] == '.') continue;
      if (!is_directory(path + "/" + name)) entries.push_back(path + "/" + name);
    }
    closedir(dir);
  }
  std::sort(entries.begin(), entries.end());
  files->insert(files->end(), entries.begin(), entries.end());
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) collect(argv[i], &files);
  size_t failed = 0;
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "replay: cannot read %s\n", file.c_str());
      return 1;
    }
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::fflush(nullptr);
    const pid_t child = fork();
    if (child == 0) {
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
      std::exit(0);  // writes the profile
    }
    int status = 0;
    if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::fprintf(stderr, "replay: %s failed\n", file.c_str());
      ++failed;
    }
  }
  std::printf("replay: %zu inputs, %zu failed\n", files.size(), failed);
  return failed == 0 ? 0 : 1;
}
