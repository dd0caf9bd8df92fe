//+------------------------------------------------------------------+
//| TickCollector.mq5 - sends every tick of the chosen symbols to     |
//| the Tick Engine edge agent (or the engine itself).                |
//|                                                                  |
//| On a timer, for each symbol, CopyTicksRange from the last tick    |
//| time seen (OnTick fires for the chart symbol only and coalesces). |
//| Ticks sharing the boundary millisecond are counted, so none is    |
//| sent twice and none is skipped. Each tick gets this terminal's    |
//| source id and the next seq: the engine drops a seq it has, so a   |
//| batch resent after a failure is never counted twice.              |
//| Batches are spooled to files before sending and deleted only      |
//| after a 2xx: a terminal restart or a network outage loses nothing.|
//+------------------------------------------------------------------+
#property copyright "Tick Engine"
#property version   "1.00"
#property strict

#include <TickEngine/Http.mqh>
#include <TickEngine/Json.mqh>
#include <TickEngine/Symbols.mqh>

input string InpEndpoint        = "http://127.0.0.1:18000/ingest/tick"; // Edge agent (or engine) ingest URL
input string InpApiKey          = "";      // API key (scope ingest)
input string InpSymbols         = "";      // Symbols, comma-separated; empty = all of Market Watch
input string InpSymbolMap       = "";      // Broker=canonical names, e.g. EURUSD.m=EURUSD
input string InpSourceId        = "";      // Source id; empty = "mt5-" + account login
input int    InpServerOffsetMin = 0;       // Broker server time minus UTC in minutes; 0 = measure
input int    InpTimerMs         = 250;     // How often to collect and send
input int    InpBatchMax        = 500;     // Most ticks per request
input int    InpTimeoutMs       = 5000;    // WebRequest timeout
input int    InpStartMinutesAgo = 0;       // On the very first start, also send this much history

string  g_symbols[];        // broker names
string  g_canonical[];      // names sent to the engine
long    g_lastMsc[];        // server time of the newest tick collected, per symbol
int     g_atLast[];         // ticks at exactly g_lastMsc already collected
long    g_seq = 0;          // seq of the last tick collected
string  g_source;
string  g_spoolDir;
string  g_stateFile;
int     g_offsetS;
string  g_queue[];          // spool files not yet acknowledged, oldest first
TeBackoff g_backoff;
long    g_sent = 0;
string  g_lastError = "";
uint    g_lastRoundTripMs = 0;

//+------------------------------------------------------------------+
int OnInit()
  {
   g_source = InpSourceId != "" ? InpSourceId : "mt5-" + IntegerToString(AccountInfoInteger(ACCOUNT_LOGIN));
   g_spoolDir = "TickEngine\\spool_" + g_source;
   g_stateFile = "TickEngine\\collector_" + g_source + ".state";
   g_offsetS = TeServerOffsetSeconds(InpServerOffsetMin);
   if(!LoadSymbols())
      return INIT_PARAMETERS_INCORRECT;
   LoadState();
   LoadQueue();
   TeBackoffReset(g_backoff);
   EventSetMillisecondTimer(MathMax(50, InpTimerMs));
   PrintFormat("TickCollector started [source=%s, symbols=%d, offsetS=%d, pendingBatches=%d, seq=%I64d]",
               g_source, ArraySize(g_symbols), g_offsetS, ArraySize(g_queue), g_seq);
   return INIT_SUCCEEDED;
  }

void OnDeinit(const int reason)
  {
   EventKillTimer();
   SaveState();
   Comment("");
  }

void OnTimer()
  {
   Collect();
   Send();
   ShowStatus();
  }

//+------------------------------------------------------------------+
//| Symbols from the input, or all of Market Watch.                   |
//+------------------------------------------------------------------+
bool LoadSymbols()
  {
   string list[];
   int n = 0;
   if(InpSymbols != "")
      n = StringSplit(InpSymbols, ',', list);
   else
     {
      n = SymbolsTotal(true);
      ArrayResize(list, n);
      for(int i = 0; i < n; i++)
         list[i] = SymbolName(i, true);
     }
   ArrayResize(g_symbols, 0);
   for(int i = 0; i < n; i++)
     {
      string s = list[i];
      StringTrimLeft(s);
      StringTrimRight(s);
      if(s == "")
         continue;
      if(!SymbolSelect(s, true))
        {
         PrintFormat("TickCollector: unknown symbol [symbol=%s]", s);
         return false;
        }
      int k = ArraySize(g_symbols);
      ArrayResize(g_symbols, k + 1);
      ArrayResize(g_canonical, k + 1);
      ArrayResize(g_lastMsc, k + 1);
      ArrayResize(g_atLast, k + 1);
      g_symbols[k] = s;
      g_canonical[k] = TeCanonical(s, InpSymbolMap);
      g_lastMsc[k] = 0;
      g_atLast[k] = 0;
     }
   return ArraySize(g_symbols) > 0;
  }

//+------------------------------------------------------------------+
//| New ticks of every symbol into spooled batches.                   |
//+------------------------------------------------------------------+
void Collect()
  {
   string batch = "";
   int inBatch = 0;
   for(int i = 0; i < ArraySize(g_symbols); i++)
     {
      long from = g_lastMsc[i];
      if(from == 0)
         from = ((long)TimeTradeServer() - (long)InpStartMinutesAgo * 60) * 1000;
      MqlTick ticks[];
      int n = CopyTicksRange(g_symbols[i], ticks, COPY_TICKS_ALL, (ulong)from, 0);
      if(n <= 0)
         continue;
      int digits = (int)SymbolInfoInteger(g_symbols[i], SYMBOL_DIGITS);
      int skip = (g_lastMsc[i] == 0) ? 0 : g_atLast[i];
      for(int k = 0; k < n; k++)
        {
         long t = ticks[k].time_msc;
         // CopyTicksRange starts AT the last millisecond: the ticks of it already collected come first.
         if(t == g_lastMsc[i] && skip > 0)
           {
            skip--;
            continue;
           }
         if(t == g_lastMsc[i])
            g_atLast[i]++;
         else
           {
            g_lastMsc[i] = t;
            g_atLast[i] = 1;
           }
         g_seq++;
         string json = TeJsonTick(g_canonical[i], ticks[k], t - (long)g_offsetS * 1000, digits, g_source, g_seq,
                                  g_offsetS);
         batch += (inBatch == 0 ? "[" : ",") + json;
         inBatch++;
         if(inBatch == InpBatchMax)
           {
            Spool(batch + "]");
            batch = "";
            inBatch = 0;
           }
        }
     }
   if(inBatch > 0)
      Spool(batch + "]");
  }

//+------------------------------------------------------------------+
//| A batch file: the collector state as of this batch, then the body.|
//| Written before anything is sent, so a restart resumes after it.   |
//+------------------------------------------------------------------+
void Spool(const string body)
  {
   string name = g_spoolDir + "\\" + StringFormat("%020I64d", g_seq) + ".json";
   int h = FileOpen(name, FILE_WRITE | FILE_TXT | FILE_ANSI);
   if(h == INVALID_HANDLE)
     {
      g_lastError = "cannot write spool file " + name + ", error " + IntegerToString(GetLastError());
      return;
     }
   FileWriteString(h, StateLine() + "\n");
   FileWriteString(h, body);
   FileClose(h);
   int k = ArraySize(g_queue);
   ArrayResize(g_queue, k + 1);
   g_queue[k] = name;
   SaveState();
  }

//+------------------------------------------------------------------+
//| Sends spooled batches in order; stops at the first failure.       |
//+------------------------------------------------------------------+
void Send()
  {
   while(ArraySize(g_queue) > 0 && TeBackoffReady(g_backoff))
     {
      string body = ReadBody(g_queue[0]);
      TeResponse response;
      int retryAfter = 0;
      bool ok = TeRequest("POST", InpEndpoint, InpApiKey, "application/json", body, InpTimeoutMs, response, retryAfter);
      g_lastRoundTripMs = response.roundTripMs;
      if(ok)
        {
         FileDelete(g_queue[0]);
         ArrayRemove(g_queue, 0, 1);
         g_sent += TeJsonGetLong(response.body, "accepted", 0);
         g_lastError = "";
         TeBackoffReset(g_backoff);
         continue;
        }
      g_lastError = response.error;
      if(response.status == 400 || response.status == 413)
        {
         // Rejected whole as invalid: resending cannot help. Keep the file aside for inspection and go on.
         // (401/403 are a wrong key: those batches wait, with backoff, until the key is fixed.)
         PrintFormat("TickCollector: batch refused, moved aside [file=%s, answer=%s]", g_queue[0], response.error);
         FileMove(g_queue[0], 0, g_queue[0] + ".refused", FILE_REWRITE);
         ArrayRemove(g_queue, 0, 1);
         continue;
        }
      TeBackoffFail(g_backoff, 30000, retryAfter);
      break;
     }
  }

string ReadBody(const string name)
  {
   int h = FileOpen(name, FILE_READ | FILE_TXT | FILE_ANSI);
   if(h == INVALID_HANDLE)
      return "";
   FileReadString(h);           // the state line
   string body = FileReadString(h);
   FileClose(h);
   return body;
  }

//+------------------------------------------------------------------+
//| State: "seq;symbol=lastMsc:atLast;..."                            |
//+------------------------------------------------------------------+
string StateLine()
  {
   string line = IntegerToString(g_seq);
   for(int i = 0; i < ArraySize(g_symbols); i++)
      line += ";" + g_symbols[i] + "=" + IntegerToString(g_lastMsc[i]) + ":" + IntegerToString(g_atLast[i]);
   return line;
  }

void ApplyStateLine(const string line)
  {
   string parts[];
   int n = StringSplit(line, ';', parts);
   if(n < 1 || StringToInteger(parts[0]) < g_seq)
      return;
   g_seq = StringToInteger(parts[0]);
   for(int p = 1; p < n; p++)
     {
      string kv[];
      if(StringSplit(parts[p], '=', kv) != 2)
         continue;
      string pos[];
      if(StringSplit(kv[1], ':', pos) != 2)
         continue;
      for(int i = 0; i < ArraySize(g_symbols); i++)
         if(g_symbols[i] == kv[0])
           {
            g_lastMsc[i] = StringToInteger(pos[0]);
            g_atLast[i] = (int)StringToInteger(pos[1]);
           }
     }
  }

void SaveState()
  {
   int h = FileOpen(g_stateFile, FILE_WRITE | FILE_TXT | FILE_ANSI);
   if(h == INVALID_HANDLE)
      return;
   FileWriteString(h, StateLine());
   FileClose(h);
  }

void LoadState()
  {
   if(!FileIsExist(g_stateFile))
      return;
   int h = FileOpen(g_stateFile, FILE_READ | FILE_TXT | FILE_ANSI);
   if(h == INVALID_HANDLE)
      return;
   ApplyStateLine(FileReadString(h));
   FileClose(h);
  }

//--- Spooled batches left by an earlier run, oldest first; the newest one's state wins if it is newer.
void LoadQueue()
  {
   string name;
   string found[];
   long handle = FileFindFirst(g_spoolDir + "\\*.json", name);
   if(handle != INVALID_HANDLE)
     {
      do
        {
         int k = ArraySize(found);
         ArrayResize(found, k + 1);
         found[k] = g_spoolDir + "\\" + name;
        }
      while(FileFindNext(handle, name));
      FileFindClose(handle);
     }
   ArraySort(found);
   ArrayResize(g_queue, ArraySize(found));
   for(int i = 0; i < ArraySize(found); i++)
     {
      g_queue[i] = found[i];
      int h = FileOpen(found[i], FILE_READ | FILE_TXT | FILE_ANSI);
      if(h != INVALID_HANDLE)
        {
         ApplyStateLine(FileReadString(h));
         FileClose(h);
        }
     }
  }

void ShowStatus()
  {
   Comment(StringFormat("TickCollector [%s]\nsent: %I64d ticks   pending batches: %d   seq: %I64d\n"
                        + "round trip: %u ms   last error: %s",
                        g_source, g_sent, ArraySize(g_queue), g_seq, g_lastRoundTripMs,
                        g_lastError == "" ? "none" : g_lastError));
  }
//+------------------------------------------------------------------+
