# SPDX-License-Identifier: MIT
# Helpers shared by every directory: which world is being configured and how a list of
# sources joins it. lios_sources(<sources...>) adds kernel sources to the kernel image and
# nothing on the host; lios_shared_sources(<host-library> <sources...>) adds sources that
# build in both worlds (mm, pure decoders) to the kernel and to a host static library.
option(LIOS_KERNEL "configure the kernel world (set by the superbuild)" OFF)
option(LIOS_FUZZ "configure the fuzz world (set by the superbuild, with clang)" OFF)
# The coverage report's build (./lios coverage): the host world's programs with gcov's
# --coverage. UBSan is left out there: every check it adds is a branch gcov counts, never
# taken, which would bury the branches the tests leave out. ASan adds none and stays.
# Warnings are the normal build's verdict: without UBSan gcc's flow analysis sees other
# code and may warn where the normal build does not (-Wmaybe-uninitialized), so here they
# are not errors. The kernel and fuzz worlds never see this option.
option(LIOS_COVERAGE "host world built for gcov (./lios coverage), ASan without UBSan" OFF)

if(LIOS_COVERAGE)
  set(LIOS_HOST_SANITIZE -fsanitize=address -fno-omit-frame-pointer -fno-sanitize-recover=all)
  set(LIOS_HOST_COVERAGE --coverage -Wno-error)
else()
  set(LIOS_HOST_SANITIZE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  set(LIOS_HOST_COVERAGE)
endif()
set(LIOS_HOST_WARN -Wall -Wextra -Werror -Wno-unused-parameter)

function(lios_sources)
  if(LIOS_KERNEL)
    target_sources(lios_objs PRIVATE ${ARGN})
  endif()
endfunction()

function(lios_shared_sources lib)
  if(LIOS_KERNEL)
    target_sources(lios_objs PRIVATE ${ARGN})
  else()
    if(NOT TARGET ${lib})
      add_library(${lib} STATIC)
      lios_host_target(${lib})
    endif()
    target_sources(${lib} PRIVATE ${ARGN})
  endif()
endfunction()

# Flags for any host program built from LiOS sources (unit tests, libraries).
function(lios_host_target tgt)
  target_include_directories(${tgt} PUBLIC ${LIOS_ROOT}/include ${LIOS_ROOT}/src/arch/host/include)
  target_compile_definitions(${tgt} PUBLIC LIOS_HOST=1)
  target_compile_options(${tgt} PUBLIC ${LIOS_HOST_SANITIZE} ${LIOS_HOST_WARN} ${LIOS_HOST_COVERAGE} -g -O1)
  target_link_options(${tgt} PUBLIC ${LIOS_HOST_SANITIZE} ${LIOS_HOST_COVERAGE})
endfunction()

# lios_unit_test(<name> <sources...> LIBS <libs...>): a host unit test under ASan/UBSan,
# registered with CTest under the label "unit"; tests/support/ (prng.h, ...) is on its
# include path.
function(lios_unit_test name)
  cmake_parse_arguments(U "" "" "LIBS" ${ARGN})
  add_executable(${name} ${U_UNPARSED_ARGUMENTS})
  lios_host_target(${name})
  target_include_directories(${name} PRIVATE ${LIOS_ROOT}/tests/support)
  target_link_libraries(${name} PRIVATE ${U_LIBS})
  add_test(NAME unit.${name} COMMAND ${name})
  set_tests_properties(unit.${name} PROPERTIES LABELS unit TIMEOUT 300)
endfunction()
