/**
 * tsecho as a library: {@link io.tsecho.Tsecho#builder()} starts a TCP and UDP timestamp and echo
 * server inside the JVM, with faults on purpose, for the tests of network clients. Faults and
 * listeners are written as on the command line ({@link io.tsecho.config.Fault},
 * {@link io.tsecho.config.Listener}).
 */
package io.tsecho;
