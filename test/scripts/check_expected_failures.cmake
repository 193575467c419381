# Fails when test/expected-failures.txt has entries that name no registered test or give no
# reason. The list is parsed at configure time (test/CMakeLists.txt), which passes its findings
# here as PROBLEMS, separated by '|'.
if(PROBLEMS)
  string(REPLACE "|" ";" problems "${PROBLEMS}")
  foreach(p IN LISTS problems)
    message("${LIST_FILE}: ${p}")
  endforeach()
  message(FATAL_ERROR "expected-failures list has stale or malformed entries")
endif()
message("expected-failures list: every entry names a registered test")
