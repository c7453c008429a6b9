/** Text scanning that the HTTP edge's packages share; depends on nothing of Surge's. */
package dev.surge.gateway.text;
