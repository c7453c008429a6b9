/**
 * What tests of every module share, without the gateway's classes (the gateway's tests use it, and
 * Maven forbids the cycle): a raw HTTP/1.1 client, a server-sent event reader, JSON to maps, the
 * child-process helper and the leaked-thread check.
 */
package dev.surge.testkit;
