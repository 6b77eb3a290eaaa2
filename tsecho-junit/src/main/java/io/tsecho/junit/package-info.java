/**
 * The JUnit 5 extension: {@link io.tsecho.junit.TsechoExtension} runs a tsecho server for a test
 * class or for each test.
 */
package io.tsecho.junit;
