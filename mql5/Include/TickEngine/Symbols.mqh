//+------------------------------------------------------------------+
//| Symbols.mqh - broker symbol names <-> canonical names             |
//| ("EURUSD.m=EURUSD,XAUUSDm=XAUUSD"); broker time: ServerTime.mqh.  |
//+------------------------------------------------------------------+
#property strict

#ifndef TICKENGINE_SYMBOLS_MQH
#define TICKENGINE_SYMBOLS_MQH

//--- The canonical name of a broker symbol: from the map when listed, else the broker name itself.
string TeCanonical(const string brokerSymbol, const string map)
  {
   string pairs[];
   int n = StringSplit(map, ',', pairs);
   for(int i = 0; i < n; i++)
     {
      string kv[];
      if(StringSplit(pairs[i], '=', kv) == 2)
        {
         StringTrimLeft(kv[0]);
         StringTrimRight(kv[0]);
         StringTrimLeft(kv[1]);
         StringTrimRight(kv[1]);
         if(kv[0] == brokerSymbol)
            return kv[1];
        }
     }
   return brokerSymbol;
  }

//--- The broker symbol of a canonical name (the reverse of TeCanonical).
string TeBrokerSymbol(const string canonical, const string map)
  {
   string pairs[];
   int n = StringSplit(map, ',', pairs);
   for(int i = 0; i < n; i++)
     {
      string kv[];
      if(StringSplit(pairs[i], '=', kv) == 2)
        {
         StringTrimLeft(kv[0]);
         StringTrimRight(kv[0]);
         StringTrimLeft(kv[1]);
         StringTrimRight(kv[1]);
         if(kv[1] == canonical)
            return kv[0];
        }
     }
   return canonical;
  }

//--- A name the engine accepts (1-32 of [A-Za-z0-9._#+-]): every other character becomes '_', longer names are
//--- cut at 32. A broker name such as "US 500" would otherwise get every request that holds one of its ticks
//--- refused whole.
string TeSafeSymbol(const string name)
  {
   string out = "";
   int n = StringLen(name) < 32 ? StringLen(name) : 32;
   for(int i = 0; i < n; i++)
     {
      ushort c = StringGetCharacter(name, i);
      bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                || c == '#' || c == '+' || c == '-';
      out += ok ? ShortToString(c) : "_";
     }
   return out == "" ? "_" : out;
  }

#endif
