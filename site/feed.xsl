<?xml version="1.0" encoding="UTF-8"?>
<!-- Shows the RSS feed as a page when a browser opens it; podcast apps
     ignore this stylesheet and read the feed as it is. -->
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
  xmlns:podcast="https://podcastindex.org/namespace/1.0"
  xmlns:atom="http://www.w3.org/2005/Atom"
  exclude-result-prefixes="itunes podcast atom">
<xsl:output method="html" encoding="UTF-8" indent="yes" doctype-system="about:legacy-compat"/>
<xsl:template match="/rss/channel">
<html lang="{language}">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title><xsl:value-of select="title"/> · RSS</title>
<style>
:root{color-scheme:light dark;--fg:#1c1b19;--muted:#5a5750;--bg:#fdfcf9;--accent:#0a58a8;--line:#e2ded5;--card:#f1eee6}
@media (prefers-color-scheme:dark){:root{--fg:#e9e7e3;--muted:#b3aea6;--bg:#15171a;--accent:#8cc0ff;--line:#34373c;--card:#1f2226}}
body{margin:0;background:var(--bg);color:var(--fg);font:1.0625rem/1.7 system-ui,-apple-system,"PingFang TC","Noto Sans TC","Noto Sans CJK TC",sans-serif}
a{color:var(--accent)}
.wrap{max-width:48rem;margin:0 auto;padding:0 1.25rem}
.note{background:var(--card);padding:.75rem 1.25rem;font-size:.95rem}
header{display:flex;gap:1.25rem;align-items:flex-start;padding-top:1.5rem}
header img{width:8rem;height:8rem;border-radius:.5rem;object-fit:cover;flex:none}
h1{font-size:1.625rem;margin:0 0 .5rem;line-height:1.35}
code{word-break:break-all}
ol{list-style:none;padding:0}
li{padding:.75rem 0;border-bottom:1px solid var(--line)}
li h2{font-size:1.0625rem;margin:0}
.meta{color:var(--muted);font-size:.875rem}
</style>
</head>
<body>
<p class="note"><span class="wrap" style="display:block">This is the show's RSS feed. To subscribe, copy its address into a podcast app:
<code><xsl:value-of select="atom:link[@rel='self']/@href"/></code></span></p>
<div class="wrap">
<header>
<xsl:if test="itunes:image/@href"><img src="{itunes:image/@href}" alt=""/></xsl:if>
<div>
<h1><xsl:value-of select="title"/></h1>
<p><xsl:value-of select="description"/></p>
<xsl:if test="link"><p><a href="{link}"><xsl:value-of select="link"/></a></p></xsl:if>
</div>
</header>
<ol>
<xsl:for-each select="item">
<li>
<h2><a href="{link}"><xsl:value-of select="title"/></a></h2>
<div class="meta"><xsl:value-of select="pubDate"/><xsl:if test="itunes:duration"> · <xsl:value-of select="itunes:duration"/></xsl:if></div>
<audio controls="controls" preload="none" src="{enclosure/@url}"></audio>
</li>
</xsl:for-each>
</ol>
</div>
</body>
</html>
</xsl:template>
</xsl:stylesheet>
