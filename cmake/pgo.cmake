# Profile-guided build of the request path (docs/benchmarks.md, "Profile-guided build"): the engine
# library and the proxflow executable are compiled from a profile of a real proxied load. The
# profile comes from a second build tree, build/pgo-training, compiled instrumented and run by
# bench/pgo-train.sh (wrk through reverse_proxy to a local nginx). It is made once per build
# directory; `rm -rf build/pgo-profile` makes the next build train again on the current code.
#   PROXFLOW_PGO=ON (default when nginx and wrk are installed)  use the profile, training it first
#   PROXFLOW_PGO=OFF                                            a plain -O3 build
#   PROXFLOW_PGO=generate                                       the instrumented training tree
find_program(PROXFLOW_PGO_NGINX nginx PATHS /usr/sbin)
find_program(PROXFLOW_PGO_WRK wrk)
if(PROXFLOW_PGO_NGINX AND PROXFLOW_PGO_WRK)
  set(pgo_default ON)
else()
  set(pgo_default OFF)
  message(STATUS "nginx or wrk not found: proxflow is built without a profile (PROXFLOW_PGO=OFF)")
endif()
set(PROXFLOW_PGO ${pgo_default} CACHE STRING "Profile-guided build: ON, OFF or generate (the training tree)")
set(PROXFLOW_PGO_PROFILE ${CMAKE_BINARY_DIR}/pgo-profile CACHE PATH "Where the training run writes its profile")

# GCC names each profile file after its object's path: relative to the build tree on both sides, the
# training tree's names are the ones this tree looks up.
function(proxflow_pgo_targets)
  if(PROXFLOW_PGO STREQUAL "generate")
    set(flags -fprofile-generate=${PROXFLOW_PGO_PROFILE} -fprofile-prefix-path=${CMAKE_BINARY_DIR}
              -fprofile-update=atomic)
    foreach(target IN LISTS ARGN)
      target_compile_options(${target} PRIVATE ${flags})
      target_link_options(${target} PRIVATE -fprofile-generate=${PROXFLOW_PGO_PROFILE})
    endforeach()
  elseif(PROXFLOW_PGO)
    set(training_dir ${CMAKE_BINARY_DIR}/pgo-training)
    set(trained ${PROXFLOW_PGO_PROFILE}/trained)
    add_custom_command(OUTPUT ${trained}
      COMMAND ${CMAKE_COMMAND} -S ${PROJECT_SOURCE_DIR} -B ${training_dir} -G ${CMAKE_GENERATOR}
              -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE} -DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}
              -DPROXFLOW_BUILD_TESTS=OFF -DPROXFLOW_PGO=generate -DPROXFLOW_PGO_PROFILE=${PROXFLOW_PGO_PROFILE}
      COMMAND ${CMAKE_COMMAND} --build ${training_dir} --target proxflow
      COMMAND ${CMAKE_COMMAND} -E rm -rf ${PROXFLOW_PGO_PROFILE}
      COMMAND ${PROJECT_SOURCE_DIR}/bench/pgo-train.sh ${training_dir}/app/proxflow
      COMMAND ${CMAKE_COMMAND} -E touch ${trained}
      COMMENT "Profile-guided build: compiling an instrumented proxflow and training it under wrk"
      USES_TERMINAL VERBATIM)
    add_custom_target(proxflow_pgo_profile DEPENDS ${trained})
    # partial-training: code the run never reached is optimized as without a profile, not for size.
    # A function changed since the training keeps no profile: a warning, not the default error.
    set(flags -fprofile-use=${PROXFLOW_PGO_PROFILE} -fprofile-prefix-path=${CMAKE_BINARY_DIR}
              -fprofile-partial-training -Wno-missing-profile -Wno-coverage-mismatch)
    foreach(target IN LISTS ARGN)
      add_dependencies(${target} proxflow_pgo_profile)
      target_compile_options(${target} PRIVATE ${flags})
      get_target_property(sources ${target} SOURCES)
      set_source_files_properties(${sources} TARGET_DIRECTORY ${target} PROPERTIES OBJECT_DEPENDS ${trained})
    endforeach()
  endif()
endfunction()
